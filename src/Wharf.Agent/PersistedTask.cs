using Wharf.Agent.Drivers;
using Wharf.Domain.Agents;

namespace Wharf.Agent;

/// <summary>
/// What the agent keeps on disk about one task it runs, so that a restarted agent can take it back: the assignment
/// (for restartOnExit and a restart's spec), the driver's handle state, and how far its logs were taken by the server.
/// </summary>
internal sealed record PersistedTask(TaskAssignment Assignment, TaskHandleState Handle, LogCursor Logs);

/// <summary>
/// How far a task's log files have been read or shipped: the offset of the last line, per stream; −1 before the first.
/// Lines at or before these offsets are not sent again.
/// </summary>
internal sealed record LogCursor(long Stdout = -1, long Stderr = -1)
{
    /// <summary>The offset for one stream.</summary>
    public long Of(TaskLogStream stream) => stream == TaskLogStream.Stdout ? Stdout : Stderr;

    /// <summary>This cursor moved forward to <paramref name="offset"/> on <paramref name="stream"/>, never back.</summary>
    public LogCursor Advance(TaskLogStream stream, long offset) => stream == TaskLogStream.Stdout
        ? this with { Stdout = Math.Max(Stdout, offset) }
        : this with { Stderr = Math.Max(Stderr, offset) };
}
