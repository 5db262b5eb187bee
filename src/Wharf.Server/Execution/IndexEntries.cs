using Wharf.Domain.Jobs;
using Wharf.Scheduling;
using Wharf.Storage;

namespace Wharf.Server.Execution;

/// <summary>
/// A job waiting for capacity, as compact as the index can keep it (a backlog of a million must fit in memory): the
/// scheduler's own view of it, shared demand and constraint objects, and the peers it waits for.
/// </summary>
internal sealed class WaitingJob(long id, long version, SchedulingJob scheduling, long[]? peers)
{
    public long Id { get; } = id;

    public long Version { get; } = version;

    public SchedulingJob Scheduling { get; } = scheduling;

    /// <summary>The jobs this one names as peers; it is not scheduled before they all run. Null when none.</summary>
    public long[]? Peers { get; } = peers;

    /// <summary>The jobs this one depends on and the condition each must meet first; null when none.</summary>
    public (long Id, string Condition)[]? Dependencies { get; init; }

    public string Queue => Scheduling.Queue;

    public long Priority => Scheduling.Priority;
}

/// <summary>Orders a queue's waiting jobs as the scheduler takes them: position key, then id.</summary>
internal sealed class QueueOrder : IComparer<WaitingJob>
{
    public static readonly QueueOrder Instance = new();

    public int Compare(WaitingJob? x, WaitingJob? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        var byPriority = x.Priority.CompareTo(y.Priority);
        return byPriority != 0 ? byPriority : x.Id.CompareTo(y.Id);
    }
}

/// <summary>A job with ranks on nodes: placed and starting, running, stopping, or ended with a rank still to stop.</summary>
internal sealed class PlacedJob(long id, Job job, Resources perRank)
{
    public long Id { get; } = id;

    /// <summary>The job as last saved; its history may be partial.</summary>
    public Job Job { get; set; } = job;

    /// <summary>What each rank holds on its node while the job is active.</summary>
    public Resources PerRank { get; } = perRank;

    /// <summary>What each instance of an admission-only job holds (instances differ); null for jobs of equal ranks.</summary>
    public IReadOnlyList<Resources>? Instances { get; init; }

    /// <summary>What rank <paramref name="rank"/> holds on its node while the job is active.</summary>
    public Resources Holds(int rank) => Instances is { } instances && rank < instances.Count ? instances[rank] : PerRank;

    public IReadOnlyList<RankStatus> Ranks => Job.Status.Ranks ?? [];

    /// <summary>True while the job holds capacity: placed and waiting to start, running, or canceling.</summary>
    public bool HoldsCapacity => Job.Status.State.IsActive();
}

/// <summary>A node as the index keeps it: its record, what it has, what active jobs hold on it, and its labels for matching.</summary>
internal sealed class NodeEntry(NodeRecord record, Resources total, IReadOnlyDictionary<string, string> labels, IReadOnlySet<string>? products)
{
    public NodeRecord Record { get; set; } = record;

    public Resources Total { get; set; } = total;

    public Resources Allocated { get; set; }

    public IReadOnlyDictionary<string, string> Labels { get; set; } = labels;

    public IReadOnlySet<string>? Products { get; set; } = products;

    public string Id => Record.Id;
}

/// <summary>An agent as the index keeps it: its lease, its nodes and jobs, and what was last sent to it.</summary>
internal sealed class AgentEntry(AgentRecord record)
{
    public AgentRecord Record { get; set; } = record;

    public string Id => Record.Id;

    /// <summary>When its placements are taken back unless it heartbeats (this server's view; the store has the shared one).</summary>
    public DateTimeOffset LeaseExpiresAt { get; set; } = record.LeaseExpiresAt;

    public HashSet<string> NodeIds { get; } = new(StringComparer.Ordinal);

    /// <summary>Jobs with a rank on one of its nodes.</summary>
    public HashSet<long> Jobs { get; } = [];

    /// <summary>Fired whenever its work may have changed; its long poll waits on it.</summary>
    public Pulse Wake { get; } = new();

    /// <summary>When each start or stop was last sent, so that unacknowledged ones are sent again, but not at once.</summary>
    public Dictionary<TaskKey, DateTimeOffset> Sent { get; } = [];

    /// <summary>Ranks it may still run that no job wants any more (moved away, requeued); each is stopped a few times at most.</summary>
    public Dictionary<TaskKey, int> Orphans { get; } = [];
}

/// <summary>One rank of one job, as the index keys it.</summary>
internal readonly record struct TaskKey(long JobId, int Rank, bool Stop);
