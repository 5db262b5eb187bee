using Microsoft.Extensions.Logging;
using Wharf.Agent.Drivers;

namespace Wharf.Agent;

/// <summary>What every part of a running agent shares: its settings, folders, drivers, queues and tasks.</summary>
internal sealed class AgentContext
{
    public required AgentOptions Options { get; init; }

    public required IReadOnlyDictionary<string, IDriver> Drivers { get; init; }

    public required StateFolder State { get; init; }

    public required DataFolder Data { get; init; }

    public required EventOutbox Events { get; init; }

    public required LogShipper Logs { get; init; }

    public required TaskTable Tasks { get; init; }

    public required RenderedFileUploads Rendered { get; init; }

    /// <summary>Sends hooks' output to the server's log API.</summary>
    public required HookLogUploads HookLogs { get; init; }

    public required ILogger Log { get; init; }

    /// <summary>Cancelled when the agent stops watching its tasks (it stops; the tasks may keep running).</summary>
    public required CancellationToken Detaching { get; init; }

    public TimeProvider Time => Options.TimeProvider;
}
