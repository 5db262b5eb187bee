using System.CommandLine;

namespace Wharf.Cli.Commands;

/// <summary><c>wharf resume ID…</c>: puts suspended jobs back in their queue (the API's unsuspend).</summary>
internal static class JobResumeCommand
{
    public static Command Create(CliEnvironment env) =>
        JobBulkCommand.Create(env, "resume", "Put suspended jobs back in their queue (all or none)", "resumed; waiting in queue",
            (client, ids, cancellationToken) => client.UnsuspendAsync(ids, cancellationToken));
}
