namespace Wharf.Domain.Jobs;

/// <summary>Where one rank of a job was placed and how it is doing, as its agent reported.</summary>
/// <param name="Rank">The rank, 0-based.</param>
/// <param name="NodeId">The node it was placed on.</param>
/// <param name="State">Its state.</param>
/// <param name="ExitCode">Its exit code, once it exited.</param>
/// <param name="Address">Its address, once started (inside its network namespace, or the host's).</param>
/// <param name="Ports">Its ports as the job sees them, by name.</param>
/// <param name="HostPorts">Its ports as reachable from the node's host, by name.</param>
/// <param name="Health">What its health check says (<see cref="RankHealth"/>); null without a health check or before it runs.</param>
public sealed record RankStatus(
    int Rank,
    string NodeId,
    RankState State,
    int? ExitCode = null,
    string? Address = null,
    IReadOnlyDictionary<string, int>? Ports = null,
    IReadOnlyDictionary<string, int>? HostPorts = null,
    string? Health = null);

/// <summary>The values of <see cref="RankStatus.Health"/>.</summary>
public static class RankHealth
{
    /// <summary>Its health check passes.</summary>
    public const string Healthy = "healthy";

    /// <summary>Its health check failed as often as the threshold allows; the agent restarts it.</summary>
    public const string Unhealthy = "unhealthy";
}

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
