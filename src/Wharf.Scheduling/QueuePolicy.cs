namespace Wharf.Scheduling;

/// <summary>How one named queue is scheduled. A queue that has no policy gets the defaults (no fair share, backfill on, any node).</summary>
public sealed class QueuePolicy
{
    /// <summary>The queue's name.</summary>
    public required string Name { get; init; }

    /// <summary>
    /// When true, jobs are taken by their owner's dominant resource share (the owner with the smallest share of the
    /// cluster goes next, its jobs in priority order), re-weighed after every placement of the pass. When false,
    /// strictly by priority key, then id.
    /// </summary>
    public bool FairShare { get; init; }

    /// <summary>
    /// When true (the default), a job that does not fit is passed over and the jobs behind it are tried (backfill);
    /// when false, the queue stops at the first job that does not fit (strict order, as an admission queue may want)
    /// and the jobs behind it wait "behind N jobs".
    /// </summary>
    public bool Backfill { get; init; } = true;

    /// <summary>Labels every node must carry to take this queue's jobs: how a queue maps to a pool of nodes (<c>pool=vm</c>).</summary>
    public IReadOnlyDictionary<string, string> NodeLabels { get; init; } = EmptyLabels.Instance;
}
