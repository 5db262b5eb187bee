namespace Wharf.Cli.Tests;

/// <summary>Runs <c>wharf</c> in-process with captured output, a chosen working folder and chosen environment variables.</summary>
internal sealed class Cli
{
    private readonly Dictionary<string, string> _variables = new(StringComparer.Ordinal);

    public Cli(string workingDirectory)
    {
        WorkingDirectory = workingDirectory;
    }

    public string WorkingDirectory { get; }

    public Cli With(string variable, string value)
    {
        _variables[variable] = value;
        return this;
    }

    public async Task<CliResult> RunAsync(params string[] args)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await RunAsync(args, timeout.Token);
    }

    public async Task<CliResult> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var output = new CapturedWriter();
        var error = new CapturedWriter();
        var code = await WharfCommandLine.RunAsync(args, Environment(output, error), cancellationToken);
        return new CliResult(code, output.Text, error.Text);
    }

    public CliEnvironment Environment(CapturedWriter output, CapturedWriter error) => new()
    {
        Out = output,
        Error = error,
        WorkingDirectory = WorkingDirectory,
        Variables = name => _variables.GetValueOrDefault(name),
    };
}

/// <summary>What a <c>wharf</c> run left: its exit code and what it wrote.</summary>
internal sealed record CliResult(int ExitCode, string Out, string Error)
{
    public string[] OutLines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() => $"exit {ExitCode}\n--- out\n{Out}--- error\n{Error}";
}
