namespace Wharf.Agent.Tests.Support;

/// <summary>Command lines that run the test assembly's TCP helper (<see cref="Program"/>) as a job.</summary>
public static class TcpHelper
{
    private static readonly string Dotnet = FindDotnet();

    public static string Assembly => typeof(Program).Assembly.Location;

    /// <summary>A job that answers every connection on its port <paramref name="portVariable"/> with <paramref name="text"/>.</summary>
    public static IReadOnlyList<string> Serve(string portVariable, string text) =>
        ["/bin/sh", "-c", $"exec \"$0\" \"$1\" serve \"${portVariable}\" \"$2\"", Dotnet, Assembly, text];

    /// <summary>A job that prints what <paramref name="host"/>:<paramref name="port"/> answers (shell words: variables allowed).</summary>
    public static IReadOnlyList<string> Fetch(string host, string port) =>
        ["/bin/sh", "-c", $"exec \"$0\" \"$1\" fetch {host} {port}", Dotnet, Assembly];

    private static string FindDotnet()
    {
        if (Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet")
        {
            return path;
        }

        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host)
        {
            return host;
        }

        return "dotnet";
    }
}
