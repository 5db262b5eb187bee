using System.CommandLine;
using Wharf.Cli.Commands;

namespace Wharf.Cli;

/// <summary>
/// The <c>wharf</c> command: every sub-command in one list, one file each under <c>Commands/</c> (Nomad's
/// <c>command/</c> layout). A new command is a new file and one line here. Every command that talks to a server does
/// so only through <c>Wharf.Client</c>.
/// </summary>
internal static class WharfCommandLine
{
    // Long enough for the server to drain requests and close the store after Ctrl-C; short enough to not hang.
    private static readonly TimeSpan GracefulStop = TimeSpan.FromSeconds(30);

    public static RootCommand Build(CliEnvironment env)
    {
        ArgumentNullException.ThrowIfNull(env);
        return new RootCommand("wharf: a job manager. Run `wharf up` to start one on this machine.")
        {
            // Running the server.
            UpCommand.Create(env),
            ServerCommand.Create(env),
            AgentCommand.Create(env),

            // Jobs.
            RunCommand.Create(env),
            JobListCommand.Create(env),
            JobShowCommand.Create(env),
            JobCancelCommand.Create(env),
            JobExtendCommand.Create(env),
            JobSuspendCommand.Create(env),
            JobResumeCommand.Create(env),
            LogsCommand.Create(env),
            ExplainCommand.Create(env),
            QueueCommand.Create(env),
            NodesCommand.Create(env),
            GroupCommand.Create(env),

            // Catalog and access.
            AppsCommand.Create(env),
            ProductsCommand.Create(env),
            TokenCommand.Create(env),
            WhoAmICommand.Create(env),
        };
    }

    /// <summary>
    /// Parses and runs <paramref name="args"/>. A command line that does not parse exits with
    /// <see cref="ExitCodes.Usage"/> after saying why; otherwise the command's own exit code.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, CliEnvironment env, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(env);
        var parseResult = Build(env).Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var error in parseResult.Errors)
            {
                await env.Error.WriteLineAsync($"error: {error.Message}").ConfigureAwait(false);
            }

            await env.Error.WriteLineAsync("Run 'wharf --help' for usage.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        var configuration = new InvocationConfiguration
        {
            Output = env.Out,
            Error = env.Error,
            ProcessTerminationTimeout = env.HandlesTerminationSignals ? GracefulStop : null,
        };
        return await parseResult.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }
}
