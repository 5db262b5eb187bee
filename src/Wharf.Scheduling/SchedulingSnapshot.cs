namespace Wharf.Scheduling;

/// <summary>
/// Everything one scheduling pass reads: the nodes, the waiting jobs, each owner's current usage, and the time.
/// The scheduler never changes it, so the same snapshot always yields the same plan.
/// </summary>
public sealed class SchedulingSnapshot
{
    /// <summary>Now, as the caller's clock says; only job ages are computed from it.</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>All nodes, schedulable or not (draining ones count in explanations).</summary>
    public required IReadOnlyList<SchedulingNode> Nodes { get; init; }

    /// <summary>The jobs waiting for capacity, in any order: the scheduler orders them.</summary>
    public required IReadOnlyList<SchedulingJob> Jobs { get; init; }

    /// <summary>What each owner's running work holds now, by <see cref="SchedulingJob.Owner"/>; fair share starts from it.</summary>
    public IReadOnlyDictionary<string, Resources> OwnerUsage { get; init; } = new Dictionary<string, Resources>();
}
