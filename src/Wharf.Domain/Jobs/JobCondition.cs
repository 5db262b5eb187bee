namespace Wharf.Domain.Jobs;

/// <summary>
/// One observation about a job, in Kubernetes' condition shape (as ICOS reports them): health from the agent's
/// probes (<c>Healthy</c>), or what an external orchestrator reported (<c>Available</c>, <c>Degraded</c>, …).
/// A condition of a type replaces the earlier one of that type.
/// </summary>
/// <param name="Type">What is observed (<c>Healthy</c>, <c>Available</c>, <c>Progressing</c>, <c>Degraded</c>, …).</param>
/// <param name="Status"><c>True</c>, <c>False</c> or <c>Unknown</c>.</param>
/// <param name="LastTransitionTime">When <paramref name="Status"/> last changed.</param>
/// <param name="Reason">A machine-readable word (<c>ProbeFailed</c>).</param>
/// <param name="Message">A sentence for people.</param>
/// <param name="ObservedGeneration">The generation of the job the observer saw, when it says.</param>
public sealed record JobCondition(
    string Type,
    string Status,
    DateTimeOffset LastTransitionTime,
    string? Reason = null,
    string? Message = null,
    long? ObservedGeneration = null)
{
    /// <summary>The status values.</summary>
    public static readonly IReadOnlySet<string> Statuses = new HashSet<string>(StringComparer.Ordinal) { "True", "False", "Unknown" };

    /// <summary>
    /// <paramref name="conditions"/> with <paramref name="condition"/> in place of the one of its type. The transition
    /// time is kept when the status did not change, as Kubernetes keeps it.
    /// </summary>
    public static IReadOnlyList<JobCondition> Set(IReadOnlyList<JobCondition>? conditions, JobCondition condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var list = new List<JobCondition>(conditions ?? []);
        var index = list.FindIndex(c => string.Equals(c.Type, condition.Type, StringComparison.Ordinal));
        if (index < 0)
        {
            list.Add(condition);
            return list;
        }

        list[index] = string.Equals(list[index].Status, condition.Status, StringComparison.Ordinal)
            ? condition with { LastTransitionTime = list[index].LastTransitionTime }
            : condition;
        return list;
    }
}
