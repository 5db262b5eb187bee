namespace Wharf.Scheduling;

/// <summary>
/// A waiting job as the scheduler sees it: where it queues, its order key, who owns it, when it began waiting, and
/// its demand as a list of instances (ranks) that must all be placed at once or not at all.
/// </summary>
public sealed class SchedulingJob
{
    /// <summary>The job's id, unique in the snapshot. Ties of <see cref="Priority"/> are broken by id (numeric ids numerically).</summary>
    public required string Id { get; init; }

    /// <summary>The queue it waits in.</summary>
    public string Queue { get; init; } = "default";

    /// <summary>The position key in its queue: lower runs first.</summary>
    public long Priority { get; init; }

    /// <summary>Who the job counts against for fair share (a project or user); empty when unknown.</summary>
    public string Owner { get; init; } = "";

    /// <summary>When the job began waiting; its age decides when it may hold capacity (see <see cref="SchedulerOptions.ReservationAge"/>).</summary>
    public required DateTimeOffset EnqueuedAt { get; init; }

    /// <summary>
    /// One entry per instance (rank), each placed whole on one node; all are placed together or none is. A job of N
    /// replicas of one product is N equal entries (<see cref="JobDemand.Replicas"/>); an admission-only job lists
    /// its instances as they come.
    /// </summary>
    public required IReadOnlyList<Resources> Demand { get; init; }

    /// <summary>Where it may run and how its instances are laid out.</summary>
    public PlacementConstraints Constraints { get; init; } = PlacementConstraints.None;
}
