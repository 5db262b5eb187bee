namespace Wharf.Scheduling;

/// <summary>The scheduler's configuration: queue policies and starvation protection.</summary>
public sealed class SchedulerOptions
{
    /// <summary>Per-queue policies by name; queues not listed use the defaults of <see cref="QueuePolicy"/>.</summary>
    public IReadOnlyList<QueuePolicy> Queues { get; init; } = [];

    /// <summary>
    /// How long a job must have waited before it may hold capacity. A job at least this old that does not fit for
    /// lack of free capacity (not for lack of a suitable node) reserves the nodes where it would fit soonest: their
    /// capacity, up to what the job needs there, is withheld from every job the pass considers after it, so as
    /// running work ends the capacity gathers for it instead of being taken by smaller jobs behind it. In fair-share
    /// queues jobs this old are also taken before the others, in priority order, so new owners cannot pass them.
    /// Null turns reservations off (pure backfill, which can starve big jobs).
    /// </summary>
    public TimeSpan? ReservationAge { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How many jobs of one queue may hold capacity at once (the oldest first, in queue order); bounds what backfill loses.</summary>
    public int MaxReservationsPerQueue { get; init; } = 1;
}
