using System.CommandLine;

namespace Wharf.Cli.Commands;

/// <summary><c>wharf cancel ID…</c>: terminates jobs; a running job stops (CANCELING), a waiting one never runs.</summary>
internal static class JobCancelCommand
{
    public static Command Create(CliEnvironment env) =>
        JobBulkCommand.Create(env, "cancel", "Terminate jobs (all or none)", "terminate requested",
            (client, ids, cancellationToken) => client.TerminateAsync(ids, cancellationToken));
}
