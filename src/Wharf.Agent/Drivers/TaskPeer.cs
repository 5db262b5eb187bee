namespace Wharf.Agent.Drivers;

/// <summary>Another job that a task may reach, as the agent knows it: where it runs and on which ports.</summary>
public sealed record TaskPeer
{
    /// <summary>The peer job's id. A driver that runs the peer itself may connect the two jobs directly.</summary>
    public required string JobId { get; init; }

    /// <summary>An address at which the peer's ports can be reached from this node (<c>127.0.0.1</c> when it runs here).</summary>
    public required string Address { get; init; }

    /// <summary>The peer's ports by name, as its driver allocated them.</summary>
    public IReadOnlyDictionary<string, int> Ports { get; init; } = new Dictionary<string, int>();
}
