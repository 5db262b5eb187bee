namespace Wharf.Scheduling;

/// <summary>
/// The result of one pass: the placements to write, why every other job waits, and the capacity held for starving
/// jobs. Pure data; applying it (leases, state changes) is the caller's job.
/// </summary>
public sealed class SchedulingPlan
{
    /// <summary>Creates a plan.</summary>
    public SchedulingPlan(
        IReadOnlyList<Placement> placements,
        IReadOnlyDictionary<string, JobExplanation> waiting,
        IReadOnlyList<Reservation> reservations,
        IReadOnlyList<string> order,
        SchedulingStatistics statistics)
    {
        Placements = placements;
        Waiting = waiting;
        Reservations = reservations;
        Order = order;
        Statistics = statistics;
    }

    /// <summary>The jobs placed, in the order the pass placed them.</summary>
    public IReadOnlyList<Placement> Placements { get; }

    /// <summary>Every job not placed, by id, with its reason and explanation.</summary>
    public IReadOnlyDictionary<string, JobExplanation> Waiting { get; }

    /// <summary>Capacity held for jobs that waited too long.</summary>
    public IReadOnlyList<Reservation> Reservations { get; }

    /// <summary>Every job id of the snapshot in the order the pass took them (jobs never tried come last, in queue order).</summary>
    public IReadOnlyList<string> Order { get; }

    /// <summary>Counts of what the pass did.</summary>
    public SchedulingStatistics Statistics { get; }

    /// <summary>The explanation of a waiting job, or null when the job was placed or is unknown.</summary>
    public JobExplanation? Explain(string jobId) => Waiting.GetValueOrDefault(jobId);
}
