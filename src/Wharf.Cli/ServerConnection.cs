using System.CommandLine;

namespace Wharf.Cli;

/// <summary>
/// The <c>--server</c> and <c>--token</c> options of the commands that talk to a server, and where their values
/// come from when they are left out: <c>WHARF_SERVER</c> / <c>WHARF_TOKEN</c>, then the defaults
/// (<see cref="DefaultServer"/>; the admin token that <c>wharf up</c> wrote to <c>./data/admin.token</c>).
/// </summary>
internal sealed class ServerConnection
{
    public const string DefaultServer = "http://127.0.0.1:8080";
    public const string ServerVariable = "WHARF_SERVER";
    public const string TokenVariable = "WHARF_TOKEN";
    public const string AdminTokenFile = "data/admin.token";

    /// <summary><c>--server URL</c>.</summary>
    public Option<string?> Server { get; } = new("--server")
    {
        Description = $"The Wharf server [env {ServerVariable}, default {DefaultServer}]",
        HelpName = "URL",
    };

    /// <summary><c>--token T</c>.</summary>
    public Option<string?> Token { get; } = new("--token")
    {
        Description = $"The bearer token [env {TokenVariable}, else ./{AdminTokenFile} if present]",
        HelpName = "TOKEN",
    };

    /// <summary>Adds both options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Server);
        command.Options.Add(Token);
    }

    /// <summary>The server and token a command should use.</summary>
    public ServerTarget Resolve(ParseResult parseResult, CliEnvironment env)
    {
        var serverText = parseResult.GetValue(Server) ?? env.Variable(ServerVariable) ?? DefaultServer;
        if (!Uri.TryCreate(serverText, UriKind.Absolute, out var server) || (server.Scheme != Uri.UriSchemeHttp && server.Scheme != Uri.UriSchemeHttps))
        {
            throw new UsageException($"'{serverText}' is not a server address (expected e.g. {DefaultServer})");
        }

        var token = parseResult.GetValue(Token) ?? env.Variable(TokenVariable) ?? ReadAdminToken(env);
        return new ServerTarget(server, token);
    }

    private static string? ReadAdminToken(CliEnvironment env)
    {
        var path = env.ResolvePath(AdminTokenFile);
        if (!File.Exists(path))
        {
            return null;
        }

        var text = File.ReadAllText(path).Trim();
        return text.Length == 0 ? null : text;
    }
}

/// <summary>Where a command connects, and with which token (null when none was found).</summary>
internal sealed record ServerTarget(Uri Server, string? Token);
