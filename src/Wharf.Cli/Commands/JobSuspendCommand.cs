using System.CommandLine;

namespace Wharf.Cli.Commands;

/// <summary><c>wharf suspend ID…</c>: stops running jobs and releases their capacity, to be resumed later.</summary>
internal static class JobSuspendCommand
{
    public static Command Create(CliEnvironment env) =>
        JobBulkCommand.Create(env, "suspend", "Suspend running jobs (all or none)", "suspended",
            (client, ids, cancellationToken) => client.SuspendAsync(ids, cancellationToken));
}
