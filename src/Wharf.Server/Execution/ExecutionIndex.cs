using System.Globalization;
using Wharf.Domain.Catalog;
using Wharf.Domain.Jobs;
using Wharf.Scheduling;

namespace Wharf.Server.Execution;

/// <summary>
/// What the server keeps in memory to run jobs: waiting jobs in queue order (compact records), jobs with ranks on
/// nodes, nodes with what is allocated on them, and agents with their leases and pending work. Built from the store
/// at start and kept current by every <see cref="JobNotice"/>; the store stays the truth. One lock guards it all:
/// every operation is a few dictionary updates, and scheduling passes run on a snapshot taken under the lock.
/// </summary>
internal sealed partial class ExecutionIndex
{
    private static readonly TimeSpan TombstoneAge = TimeSpan.FromSeconds(60);
    private const int TombstonePruneThreshold = 10_000;

    private readonly Lock _gate = new();
    private readonly Func<ProductReference, Product?> _findProduct;
    private readonly TimeProvider _time;
    private readonly ExecutionOptions _options;

    private readonly Dictionary<long, WaitingJob> _waiting = [];
    private readonly Dictionary<string, SortedSet<WaitingJob>> _queues = new(StringComparer.Ordinal);
    private readonly Dictionary<long, PlacedJob> _placed = [];
    private readonly Dictionary<string, NodeEntry> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AgentEntry> _agents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Resources> _ownerUsage = new(StringComparer.Ordinal);
    private int _waitingWithPeers;

    // Admission-only jobs with capacity to give back that no agent will ever report on (terminated, suspended).
    private readonly HashSet<long> _admissionsToSettle = [];

    // The version of each job that left the index, so that a notice published late (after a newer one) cannot bring it back.
    private readonly Dictionary<long, (long Version, long At)> _ended = [];

    // Shared objects, so that a million waiting jobs of a few shapes hold a few demand lists, not a million.
    private readonly Dictionary<(string Product, int Replicas), IReadOnlyList<Resources>> _demands = [];
    private readonly Dictionary<string, PlacementConstraints> _constraints = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);

    public ExecutionIndex(Func<ProductReference, Product?> findProduct, TimeProvider time, ExecutionOptions options)
    {
        _findProduct = findProduct;
        _time = time;
        _options = options;
    }

    /// <summary>Set whenever a scheduling pass could place something new: a job waits, capacity was freed, a node came.</summary>
    public WakeSignal SchedulerWake { get; } = new();

    /// <summary>Called (under the index lock; must be quick) when a running job's deadline is set or moved.</summary>
    public Action<long, DateTimeOffset>? ExpiryArmed { get; set; }

    /// <summary>Applies one notice from the <see cref="JobFeed"/>.</summary>
    public void Apply(JobNotice notice)
    {
        switch (notice)
        {
            case JobNotice.Changed changed:
                Apply(changed.Job, changed.Update.State == JobState.InQueue ? changed.Update.Timestamp : null);
                break;
            case JobNotice.Renumbered renumbered:
                ApplyPositions(renumbered.Positions);
                break;
        }
    }

    /// <summary>Puts a job, as saved, into the index (or takes it out), unless a newer version of it is already there.</summary>
    /// <param name="job">The job as saved.</param>
    /// <param name="enqueuedAt">When it (again) began to wait, if this change made it wait; its creation time otherwise.</param>
    public void Apply(Job job, DateTimeOffset? enqueuedAt = null)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (!long.TryParse(job.Id, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return;
        }

        lock (_gate)
        {
            if (KnownVersion(id) is { } known && known >= job.Version)
            {
                return;
            }

            var removed = RemoveWaiting(id);
            var old = RemovePlaced(id);
            if (removed || old is not null || _dependedOn.Contains(id))
            {
                // A waiting job left or moved, capacity or usage changed, or a dependency's state: what a pass decides
                // for the others may change. A job that only starts to wait is an arrival (see ExplainArrivals).
                NoteChange();
            }

            var status = job.Status;
            var ranks = status.Ranks;
            NoteDependencyState(id, job);
            if (job.Specification.Orchestrator is not null)
            {
                // An external orchestrator's agents pull this job through their door: nothing here places or runs it.
                _ended[id] = (job.Version, _time.GetTimestamp());
            }
            else if (status.State == JobState.InQueue && (ranks is null || ranks.All(r => r.State == RankState.Exited)))
            {
                NoteArrival(AddWaiting(id, job, enqueuedAt ?? job.CreatedAt));
                SchedulerWake.Set();
            }
            else if (ranks is not null && (status.State.IsActive() || ranks.Any(r => r.State != RankState.Exited)))
            {
                AddPlaced(id, job, old);
            }
            else
            {
                _ended[id] = (job.Version, _time.GetTimestamp());
                PruneTombstones();
            }

            if (old is not null)
            {
                FindOrphans(old, job);
                if (old.HoldsCapacity && !status.State.IsActive())
                {
                    SchedulerWake.Set(); // capacity freed
                }
            }

            if (status.State == JobState.Running && status.ExpiresAt is { } expires)
            {
                ExpiryArmed?.Invoke(id, expires);
            }

            if (_waitingWithPeers > 0 && (status.State != old?.Job.Status.State || HealthChanged(old.Job, job)))
            {
                SchedulerWake.Set(); // a job that waits for this one as its peer or dependency may go now
            }
        }
    }

    /// <summary>The job as last saved, if it has ranks on nodes (the index keeps whole jobs only for those).</summary>
    public Job? FindPlaced(string jobId)
    {
        if (!long.TryParse(jobId, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return null;
        }

        lock (_gate)
        {
            return _placed.TryGetValue(id, out var placed) ? placed.Job : null;
        }
    }

    /// <summary>The ids of every job the index holds, waiting or placed.</summary>
    public List<long> JobIds()
    {
        lock (_gate)
        {
            return [.. _waiting.Keys, .. _placed.Keys];
        }
    }

    /// <summary>Every running job with a deadline, for rebuilding the expiry timers.</summary>
    public List<(long Id, DateTimeOffset ExpiresAt)> Deadlines()
    {
        lock (_gate)
        {
            return [.. _placed.Values
                .Where(p => p.Job.Status.State == JobState.Running && p.Job.Status.ExpiresAt is not null)
                .Select(p => (p.Id, p.Job.Status.ExpiresAt!.Value))];
        }
    }

    private long? KnownVersion(long id) =>
        _waiting.TryGetValue(id, out var waiting) ? waiting.Version
        : _placed.TryGetValue(id, out var placed) ? placed.Job.Version
        : _ended.TryGetValue(id, out var ended) ? ended.Version
        : null;

    private bool RemoveWaiting(long id)
    {
        if (!_waiting.Remove(id, out var waiting))
        {
            return false;
        }

        if (waiting.Peers is not null || waiting.Dependencies is not null)
        {
            _waitingWithPeers--;
        }

        if (_queues.TryGetValue(waiting.Queue, out var queue))
        {
            queue.Remove(waiting);
        }

        return true;
    }

    private WaitingJob AddWaiting(long id, Job job, DateTimeOffset enqueuedAt)
    {
        var spec = job.Specification;
        var product = spec.Product;
        var productKey = product is null ? "" : ProductKey.Of(product);
        var replicas = Math.Max(1, spec.Replicas);
        var scheduling = new SchedulingJob
        {
            Id = job.Id,
            Queue = Intern(job.Status.Queue),
            Priority = job.Status.Priority,
            Owner = Intern(job.Owner.Project),
            EnqueuedAt = enqueuedAt,
            Demand = spec.Admission is { } admission ? AdmissionDemands.Of(admission)
                : spec.RankDemand is { } rankDemand ? JobDemand.Replicas(Of(rankDemand), replicas)
                : Demand(productKey, product, replicas),
            Constraints = spec.Admission is { } pool ? AdmissionDemands.Constraints(Intern(job.Status.Queue), pool) : Constraints(productKey),
        };
        var waiting = new WaitingJob(id, job.Version, scheduling, PeersOf(spec)) { Dependencies = DependenciesOf(spec) };
        _waiting[id] = waiting;
        if (waiting.Peers is not null || waiting.Dependencies is not null)
        {
            _waitingWithPeers++;
        }

        if (!_queues.TryGetValue(scheduling.Queue, out var queue))
        {
            _queues[scheduling.Queue] = queue = new SortedSet<WaitingJob>(QueueOrder.Instance);
        }

        queue.Add(waiting);
        return waiting;
    }

    private PlacedJob? RemovePlaced(long id)
    {
        _admissionsToSettle.Remove(id);
        if (!_placed.Remove(id, out var placed))
        {
            return null;
        }

        Account(placed, -1);
        return placed;
    }

    private void AddPlaced(long id, Job job, PlacedJob? old)
    {
        var perRank = old?.PerRank ?? (job.Specification.RankDemand is { } rankDemand ? Of(rankDemand) : PerRank(job.Specification.Product));
        var admission = job.Specification.Admission;
        var placed = new PlacedJob(id, job, perRank) { Instances = admission is null ? null : AdmissionDemands.Of(admission) };
        if (admission is not null && AdmissionDemands.NeedsSettling(job))
        {
            _admissionsToSettle.Add(id);
            SchedulerWake.Set();
        }

        _placed[id] = placed;
        Account(placed, +1);
        NoteChange();
    }

    /// <summary>Adds (+1) or removes (-1) what a placed job holds on its nodes and owes its agents.</summary>
    private void Account(PlacedJob placed, int sign)
    {
        var holds = placed.HoldsCapacity;
        foreach (var rank in placed.Ranks)
        {
            if (holds)
            {
                var owner = placed.Job.Owner.Project;
                var usage = _ownerUsage.GetValueOrDefault(owner);
                _ownerUsage[owner] = sign > 0 ? usage + placed.Holds(rank.Rank) : usage - placed.Holds(rank.Rank);
            }

            if (!_nodes.TryGetValue(rank.NodeId, out var node))
            {
                continue;
            }

            if (holds)
            {
                node.Allocated = sign > 0 ? node.Allocated + placed.Holds(rank.Rank) : node.Allocated - placed.Holds(rank.Rank);
            }

            if (node.Record.AgentId is { } agentId && _agents.TryGetValue(agentId, out var agent))
            {
                if (sign > 0)
                {
                    agent.Jobs.Add(placed.Id);
                }
                else
                {
                    agent.Jobs.Remove(placed.Id);
                }

                agent.Wake.Fire();
            }
        }
    }

    /// <summary>Ranks that were live on a node and that the new version of the job no longer places there: their agents must stop them.</summary>
    private void FindOrphans(PlacedJob old, Job now)
    {
        var ranks = now.Status.Ranks;
        foreach (var rank in old.Ranks)
        {
            if (rank.State == RankState.Exited || (ranks is not null && rank.Rank < ranks.Count && ranks[rank.Rank].NodeId == rank.NodeId))
            {
                continue;
            }

            if (AgentOf(rank.NodeId) is { } agent)
            {
                agent.Orphans.TryAdd(new TaskKey(old.Id, rank.Rank, Stop: true), 0);
                agent.Wake.Fire();
            }
        }
    }

    private void ApplyPositions(IReadOnlyList<Storage.QueuePosition> positions)
    {
        lock (_gate)
        {
            foreach (var position in positions)
            {
                if (!long.TryParse(position.JobId, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                {
                    continue;
                }

                if (_waiting.TryGetValue(id, out var waiting) && waiting.Version < position.Version)
                {
                    RemoveWaiting(id);
                    var scheduling = waiting.Scheduling;
                    var moved = new SchedulingJob
                    {
                        Id = scheduling.Id,
                        Queue = scheduling.Queue,
                        Priority = position.Priority,
                        Owner = scheduling.Owner,
                        EnqueuedAt = scheduling.EnqueuedAt,
                        Demand = scheduling.Demand,
                        Constraints = scheduling.Constraints,
                    };
                    var entry = new WaitingJob(id, position.Version, moved, waiting.Peers) { Dependencies = waiting.Dependencies };
                    _waiting[id] = entry;
                    if (entry.Peers is not null || entry.Dependencies is not null)
                    {
                        _waitingWithPeers++;
                    }

                    _queues[entry.Queue].Add(entry);
                }
                else if (_placed.TryGetValue(id, out var placed) && placed.Job.Version < position.Version)
                {
                    placed.Job = placed.Job with { Version = position.Version, Status = placed.Job.Status with { Priority = position.Priority } };
                }
            }

            NoteChange();
        }

        SchedulerWake.Set();
    }

    private void PruneTombstones()
    {
        if (_ended.Count < TombstonePruneThreshold)
        {
            return;
        }

        var now = _time.GetTimestamp();
        foreach (var (id, (_, at)) in _ended.ToList())
        {
            if (_time.GetElapsedTime(at, now) > TombstoneAge)
            {
                _ended.Remove(id);
            }
        }
    }

    private AgentEntry? AgentOf(string nodeId) =>
        _nodes.TryGetValue(nodeId, out var node) && node.Record.AgentId is { } agentId ? _agents.GetValueOrDefault(agentId) : null;

    private Resources PerRank(ProductReference? product) =>
        product is not null && _findProduct(product) is { } found ? Resources.FromProduct(found) : Resources.Zero;

    private IReadOnlyList<Resources> Demand(string productKey, ProductReference? product, int replicas)
    {
        if (_demands.TryGetValue((productKey, replicas), out var demand))
        {
            return demand;
        }

        var found = product is null ? null : _findProduct(product);
        if (found is null)
        {
            // An empty demand waits with a reason rather than fitting anywhere; not cached, so that the next change
            // of the job (or the next job of this shape) looks for the product again.
            return [];
        }

        demand = JobDemand.Replicas(Resources.FromProduct(found), replicas);
        _demands[(Intern(productKey), replicas)] = demand;
        return demand;
    }

    private PlacementConstraints Constraints(string productKey)
    {
        if (!_constraints.TryGetValue(productKey, out var constraints))
        {
            // No driver label is required: the application does not name a driver, and a node runs it with its own
            // (the process driver where it has one; see DriverFor).
            _constraints[Intern(productKey)] = constraints = new PlacementConstraints { Product = productKey.Length == 0 ? null : productKey };
        }

        return constraints;
    }

    private string Intern(string text)
    {
        if (_names.TryGetValue(text, out var interned))
        {
            return interned;
        }

        _names[text] = text;
        return text;
    }

    private static long[]? PeersOf(JobSpecification spec)
    {
        List<long>? peers = null;
        foreach (var value in (spec.Parameters?.Values ?? []).Concat(spec.Resources ?? []))
        {
            if (value?.Type == ParameterTypes.Peer && long.TryParse(value.JobId, NumberStyles.None, CultureInfo.InvariantCulture, out var peer))
            {
                (peers ??= []).Add(peer);
            }
        }

        return peers?.ToArray();
    }
}
