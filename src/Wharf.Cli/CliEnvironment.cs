namespace Wharf.Cli;

/// <summary>
/// What a command sees of the world: where it writes, the folder it runs in, and the environment variables.
/// The process passes its own; tests pass writers they read and a temp folder.
/// </summary>
internal sealed class CliEnvironment
{
    /// <summary>Where results go (tables, JSON, secrets).</summary>
    public required TextWriter Out { get; init; }

    /// <summary>Where errors and notes go.</summary>
    public required TextWriter Error { get; init; }

    /// <summary>The folder relative paths (<c>./data</c>, a YAML file) are resolved against.</summary>
    public required string WorkingDirectory { get; init; }

    /// <summary>Reads an environment variable; null when unset.</summary>
    public Func<string, string?> Variables { get; init; } = _ => null;

    /// <summary>
    /// True when Ctrl-C and SIGTERM should cancel the running command (the real process). Tests leave it off:
    /// signal handlers are process-wide and tests cancel through their own token.
    /// </summary>
    public bool HandlesTerminationSignals { get; init; }

    /// <summary>The environment of this process, writing to the console.</summary>
    public static CliEnvironment FromProcess() => new()
    {
        Out = Console.Out,
        Error = Console.Error,
        WorkingDirectory = Directory.GetCurrentDirectory(),
        Variables = Environment.GetEnvironmentVariable,
        HandlesTerminationSignals = true,
    };

    /// <summary>An environment variable's value, or null when it is unset or blank.</summary>
    public string? Variable(string name) => Variables(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    /// <summary>A path made absolute against <see cref="WorkingDirectory"/>.</summary>
    public string ResolvePath(string path) => Path.GetFullPath(path, WorkingDirectory);
}
