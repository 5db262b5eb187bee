namespace Wharf.Domain.Jobs;

/// <summary>Where one rank of a job was placed and how it is doing, as its agent reported.</summary>
/// <param name="Rank">The rank, 0-based.</param>
/// <param name="NodeId">The node it was placed on.</param>
/// <param name="State">Its state.</param>
/// <param name="ExitCode">Its exit code, once it exited.</param>
/// <param name="Address">Its address, once started (inside its network namespace, or the host's).</param>
/// <param name="Ports">Its ports as the job sees them, by name.</param>
/// <param name="HostPorts">Its ports as reachable from the node's host, by name.</param>
public sealed record RankStatus(
    int Rank,
    string NodeId,
    RankState State,
    int? ExitCode = null,
    string? Address = null,
    IReadOnlyDictionary<string, int>? Ports = null,
    IReadOnlyDictionary<string, int>? HostPorts = null);

/// <summary>The state of one rank.</summary>
public enum RankState
{
    /// <summary>Placed on a node; its agent has been told to start it. Capacity is held.</summary>
    Assigned,

    /// <summary>Its process runs.</summary>
    Running,

    /// <summary>Its process exited (see the exit code).</summary>
    Exited,
}
