using Wharf.Domain.Jobs;
using Wharf.Scheduling;

namespace Wharf.Server.Execution;

/// <summary>
/// How admission-only jobs meet the matchmaker. They are placed only on declared nodes (capacity an operator
/// declared, as OpenStack hypervisors), of the pool named like their queue (label <c>pool=&lt;queue&gt;</c>) and, when
/// they name one, of their host aggregate (label <c>aggregate=&lt;name&gt;</c>). Declared nodes never get tasks: in the
/// snapshot they offer only a product no application has, and carry a label only admission jobs ask for.
/// </summary>
internal static class AdmissionDemands
{
    /// <summary>The label every declared node carries in a snapshot; only admission-only jobs require it.</summary>
    public const string DeclaredLabel = "wharf.capacity";

    /// <summary>The pool label: a declared node labelled <c>pool=vm</c> serves the queue (door type) <c>vm</c>.</summary>
    public const string PoolLabel = "pool";

    /// <summary>The host aggregate label.</summary>
    public const string AggregateLabel = "aggregate";

    private static readonly IReadOnlySet<string> NoTaskProducts = new HashSet<string>(StringComparer.Ordinal) { "wharf/declared/admission-only" };

    /// <summary>What each instance needs: VCPU whole cores, memory in MiB, disk in GiB.</summary>
    public static IReadOnlyList<Resources> Of(AdmissionDemand admission) =>
        [.. admission.Instances.Select(i => new Resources((long)i.Vcpu * 1000, i.MemoryMiB, 0, i.DiskGiB * 1024))];

    /// <summary>Where an admission-only job of <paramref name="queue"/> may be placed.</summary>
    public static PlacementConstraints Constraints(string queue, AdmissionDemand admission)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [DeclaredLabel] = "declared",
            [PoolLabel] = queue,
        };
        if (!string.IsNullOrEmpty(admission.HostAggregate))
        {
            labels[AggregateLabel] = admission.HostAggregate;
        }

        return new PlacementConstraints { RequiredLabels = labels };
    }

    /// <summary>A declared node as the matchmaker sees it.</summary>
    public static SchedulingNode DeclaredNode(string id, Resources total, Resources allocated, IReadOnlyDictionary<string, string> labels, bool ready) => new()
    {
        Id = id,
        Total = total,
        Allocated = allocated,
        Labels = new Dictionary<string, string>(labels, StringComparer.Ordinal) { [DeclaredLabel] = "declared" },
        Products = NoTaskProducts,
        Schedulable = ready,
    };

    /// <summary>
    /// True when an admission-only job holds ranks that no agent will ever stop: it was terminated (CANCELING), or
    /// left RUNNING otherwise (suspended, ended) with ranks not marked exited. The scheduler settles these.
    /// </summary>
    public static bool NeedsSettling(Job job) =>
        job.Specification.Admission is not null
        && job.Status.State is not JobState.Running and not JobState.InQueue
        && job.Status.Ranks?.Any(r => r.State != RankState.Exited) == true;

    /// <summary>The change that settles such a job: CANCELING completes; any other state only marks its ranks exited.</summary>
    public static JobChange Settle(Job job, DateTimeOffset now)
    {
        static JobStatus Exited(JobStatus s) => s with { Ranks = [.. (s.Ranks ?? []).Select(r => r with { State = RankState.Exited })] };
        return job.Status.State == JobState.Canceling
            ? job.Apply(JobTransitions.Complete, now, "Capacity released", amend: Exited)
            : job.Amend(Exited, now, "Capacity released");
    }

    /// <summary>The change that admits a job on the nodes of <paramref name="nodeIds"/>: RUNNING at once, as nothing is to start.</summary>
    public static JobChange Admit(Job job, IReadOnlyList<string> nodeIds, DateTimeOffset now)
    {
        var nodes = string.Join(", ", nodeIds.Distinct(StringComparer.Ordinal));
        IReadOnlyList<RankStatus> ranks = [.. nodeIds.Select((node, rank) => new RankStatus(rank, node, RankState.Running))];
        return job.Apply(JobTransitions.Start, now, $"Admitted: capacity held on {nodes}", amend: s => s with { Ranks = ranks });
    }

    /// <summary>The change that releases a job's capacity at the client's request: a waiting job is cancelled, an admitted one completes.</summary>
    public static JobChange? Release(Job job, DateTimeOffset now, string reason)
    {
        static JobStatus Exited(JobStatus s) => s.Ranks is null ? s : s with { Ranks = [.. s.Ranks.Select(r => r with { State = RankState.Exited })] };
        return job.Status.State switch
        {
            JobState.InQueue => job.Apply(JobTransitions.Cancel, now, reason, amend: Exited),
            JobState.Running or JobState.Canceling => job.Apply(JobTransitions.Complete, now, reason, amend: Exited),
            _ => null,
        };
    }

    /// <summary>The change that marks an admitted job failed at the client's request.</summary>
    public static JobChange? Fail(Job job, DateTimeOffset now, string reason)
    {
        static JobStatus Exited(JobStatus s) => s.Ranks is null ? s : s with { Ranks = [.. s.Ranks.Select(r => r with { State = RankState.Exited })] };
        return JobTransitions.Fail.IsPossibleFrom(job.Status.State) ? job.Apply(JobTransitions.Fail, now, reason, amend: Exited) : null;
    }
}
