using System.Diagnostics.CodeAnalysis;

namespace Wharf.Scheduling;

/// <summary>
/// One pass over a snapshot: takes the queues round-robin, one job per queue per turn, and for each job either
/// places all its instances or records why it waits. Single use; all state lives for the pass only.
/// </summary>
internal sealed partial class SchedulingPass
{
    private readonly SchedulerOptions _options;
    private readonly SchedulingSnapshot _snapshot;
    private readonly NodeTable _nodes;
    private readonly SchedulingJob[] _jobs;
    private readonly JobIndex _index;
    private readonly bool[] _aged;
    private readonly int[] _ownerOf;
    private readonly OwnerShares _shares;
    private readonly QueueRun[] _queues;
    private readonly List<KeyValuePair<string, string>[]> _poolLabels = [];
    private readonly List<Dictionary<string, NodeFilter>> _filters = [];
    private readonly List<Dictionary<PlacementConstraints, NodeFilter>> _filtersByInstance = [];
    private readonly Dictionary<ShapeKey, Failure> _failedShapes = [];
    private readonly Dictionary<MemberSet, FitTree> _trees = [];
    private readonly Failure?[] _failure;
    private readonly int[] _jobsAhead;
    private string[]?[]? _reserved;
    private readonly List<Placement> _placements = [];
    private readonly List<Reservation> _reservations = [];
    private readonly List<string> _order;
    private int[] _scratch = new int[16];
    private int _filterCount;
    private long _capacityVersion;
    private int _skippedByShape;
    private int _instancesPlaced;
    private PlacementConstraints? _lastConstraints;
    private int _lastGroup = -1;
    private NodeFilter? _lastFilter;
    private IReadOnlyList<Resources>? _validDemand;
    private NodeFilter? _failedFilter;
    private PlacementStrategy _failedStrategy;
    private IReadOnlyList<Resources>? _failedDemand;
    private Failure? _failedShape;

    public SchedulingPass(SchedulerOptions options, SchedulingSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        _options = options;
        _snapshot = snapshot;
        _nodes = NodeTable.Build(snapshot.Nodes);

        var n = snapshot.Jobs.Count;
        _jobs = new SchedulingJob[n];
        _aged = new bool[n];
        _ownerOf = new int[n];
        _failure = new Failure?[n];
        _jobsAhead = new int[n];
        _order = new List<string>(n);

        // A null job is reported after any id repeated before it, as a pass that met them in order would.
        var count = 0;
        while (count < n && snapshot.Jobs[count] is { } job) _jobs[count++] = job;
        _index = new JobIndex(_jobs, count);
        if (count < n) throw new ArgumentException("A job is null.", nameof(snapshot));

        var owners = new Dictionary<string, int>(StringComparer.Ordinal);
        var queues = new Dictionary<string, int>(StringComparer.Ordinal);
        var queueSizes = new List<int>();
        var queueOf = new int[n];

        // Runs of jobs share their owner and queue strings (the server interns them): the last ones found are
        // recognised by reference before hashing.
        var now = snapshot.Now;
        var reservationAge = options.ReservationAge;
        string? lastOwner = null, lastQueue = null;
        int ownerIndex = -1, queueIndex = -1;
        for (var j = 0; j < n; j++)
        {
            var job = _jobs[j];
            _aged[j] = reservationAge is { } age && now - job.EnqueuedAt >= age;
            var owner = job.Owner ?? "";
            if (!ReferenceEquals(owner, lastOwner))
            {
                if (!owners.TryGetValue(owner, out ownerIndex)) owners[owner] = ownerIndex = owners.Count;
                lastOwner = owner;
            }

            _ownerOf[j] = ownerIndex;
            var queue = job.Queue ?? "default";
            if (!ReferenceEquals(queue, lastQueue))
            {
                if (!queues.TryGetValue(queue, out queueIndex))
                {
                    queues[queue] = queueIndex = queues.Count;
                    queueSizes.Add(0);
                }

                lastQueue = queue;
            }

            queueOf[j] = queueIndex;
            queueSizes[queueIndex]++;
        }

        var usage = new Resources[owners.Count];
        foreach (var (owner, o) in owners) usage[o] = snapshot.OwnerUsage.GetValueOrDefault(owner);
        _shares = new OwnerShares(usage, _nodes.ClusterTotal);
        _queues = BuildQueues(queues, queueSizes, queueOf);
    }

    public SchedulingPlan Run()
    {
        var active = _queues.Length;
        var done = new bool[_queues.Length];
        while (active > 0)
        {
            for (var q = 0; q < _queues.Length; q++)
            {
                if (done[q]) continue;
                var run = _queues[q];
                var j = run.Stopped ? -1 : run.Next();
                if (j < 0)
                {
                    done[q] = true;
                    active--;
                    continue;
                }

                Evaluate(j, run);
                run.Done();
            }
        }

        return BuildPlan();
    }

    private void Evaluate(int j, QueueRun run)
    {
        var job = _jobs[j];
        _order.Add(job.Id);
        var demand = job.Demand;

        // Jobs of one shape share their demand list: the last one found valid is not checked again.
        if (demand is null || !ReferenceEquals(demand, _validDemand))
        {
            if (IsInvalid(demand, out var invalid))
            {
                Fail(j, run, Failure.Invalid(invalid), null);
                return;
            }

            _validDemand = demand;
        }

        var constraints = job.Constraints ?? PlacementConstraints.None;
        var filter = FilterFor(run.FilterGroup, constraints);
        if (filter.Members.Length == 0)
        {
            Fail(j, run, FailureAnalysis.NoMatch(filter.Census(_nodes)), null);
            return;
        }

        // The last shape that failed is recognised by reference before its key is hashed: the same filter and
        // demand list make an equal key.
        if (ReferenceEquals(filter, _failedFilter) && ReferenceEquals(demand, _failedDemand) && constraints.Strategy == _failedStrategy)
        {
            _skippedByShape++;
            Fail(j, run, _failedShape!, filter);
            return;
        }

        var shape = new ShapeKey(filter, constraints.Strategy, demand);
        if (_failedShapes.TryGetValue(shape, out var known))
        {
            _skippedByShape++;
            NoteFailedShape(filter, constraints.Strategy, demand, known);
            Fail(j, run, known, filter);
            return;
        }

        var failedAt = TryPlace(j, filter, constraints.Strategy);
        if (failedAt < 0) return;
        var failure = FailureAnalysis.Explain(filter.Census(_nodes), ScanFor(filter, demand[failedAt]), demand, failedAt, _jobs);
        _failedShapes.Add(shape, failure);
        NoteFailedShape(filter, constraints.Strategy, demand, failure);
        Fail(j, run, failure, filter);
    }

    private void NoteFailedShape(NodeFilter filter, PlacementStrategy strategy, IReadOnlyList<Resources> demand, Failure failure)
    {
        _failedFilter = filter;
        _failedStrategy = strategy;
        _failedDemand = demand;
        _failedShape = failure;
    }

    /// <summary>Places every instance or none; returns -1 when placed, else the index of the instance that found no room.</summary>
    private int TryPlace(int j, NodeFilter filter, PlacementStrategy strategy)
    {
        var demand = _jobs[j].Demand;
        var k = demand.Count;
        if (_scratch.Length < k) _scratch = new int[Math.Max(k, _scratch.Length * 2)];
        var tree = filter.Tree ??= TreeFor(filter.Members);
        var members = filter.Members;
        for (var i = 0; i < k; i++)
        {
            var need = demand[i];
            var m = strategy == PlacementStrategy.Spread ? tree.FindMostFree(need) : tree.FindFirst(need);
            if (m < 0)
            {
                // All or none: give back what the earlier instances took. Only this tree saw the tentative
                // capacity, so only its leaves need resetting (see FitTree's remarks).
                for (var r = 0; r < i; r++) _nodes.Avail[members[_scratch[r]]] += demand[r];
                for (var r = 0; r < i; r++) tree.Restore(_scratch[r]);
                return i;
            }

            _nodes.Avail[members[m]] -= need;
            tree.Refresh(m);
            _scratch[i] = m;
        }

        var nodeIds = new string[k];
        var total = Resources.Zero;
        for (var i = 0; i < k; i++)
        {
            nodeIds[i] = _nodes.Nodes[members[_scratch[i]]].Id;
            total += demand[i];
        }

        _capacityVersion++;
        _shares.Add(_ownerOf[j], total);
        _instancesPlaced += k;
        _placements.Add(new Placement(_jobs[j].Id, nodeIds));
        return -1;
    }

    /// <summary>
    /// A capacity scan of <paramref name="filter"/> for <paramref name="need"/>, reused while no capacity changed
    /// since it was taken: a run of failures with no placement between them (the usual tail of a pass) costs one
    /// scan per filter and rank demand, however many gang sizes or jobs share them.
    /// </summary>
    private CapacityScan ScanFor(NodeFilter filter, in Resources need)
    {
        if (filter.Scans.TryGetValue(need, out var scan) && scan.Version == _capacityVersion) return scan;
        scan = CapacityScan.Take(_nodes, filter.Members, need, _capacityVersion);
        filter.Scans[need] = scan;
        return scan;
    }

    private void Fail(int j, QueueRun run, Failure failure, NodeFilter? filter)
    {
        _failure[j] = failure;
        _jobsAhead[j] = run.WaitingSoFar++;
        if (filter is not null && _aged[j] && run.Reservations < _options.MaxReservationsPerQueue && TryReserve(j, filter))
            run.Reservations++;
        if (!run.Policy.Backfill) run.Stopped = true;
    }

    private NodeFilter FilterFor(int group, PlacementConstraints constraints)
    {
        if (ReferenceEquals(constraints, _lastConstraints) && group == _lastGroup) return _lastFilter!;

        // Jobs usually share constraint objects (one per product and label set); looking those up by reference
        // spares hashing the key string for every job. Equal constraints in distinct objects meet by key.
        var byInstance = _filtersByInstance[group];
        if (!byInstance.TryGetValue(constraints, out var filter))
        {
            var byKey = _filters[group];
            if (!byKey.TryGetValue(constraints.FilterKey, out filter))
            {
                filter = NodeFilter.Resolve(_filterCount++, _nodes, constraints, _poolLabels[group]);
                byKey.Add(constraints.FilterKey, filter);
            }

            byInstance.Add(constraints, filter);
        }

        _lastConstraints = constraints;
        _lastGroup = group;
        _lastFilter = filter;
        return filter;
    }

    /// <summary>
    /// One tree per distinct member set: filters that differ only in ways that select the same nodes (two products
    /// offered by the same machines, a label every candidate has) search and update the same tree, so neither goes
    /// stale behind the other.
    /// </summary>
    private FitTree TreeFor(int[] members)
    {
        var key = new MemberSet(members);
        if (!_trees.TryGetValue(key, out var tree)) _trees.Add(key, tree = new FitTree(_nodes, members));
        return tree;
    }

    private static bool IsInvalid([NotNullWhen(false)] IReadOnlyList<Resources>? demand, [NotNullWhen(true)] out string? reason)
    {
        if (demand is null || demand.Count == 0)
        {
            reason = "waiting: the job asks for no instances, so it can never be placed";
            return true;
        }

        for (var i = 0; i < demand.Count; i++)
        {
            if (demand[i].IsNegative)
            {
                reason = $"waiting: instance {i + 1} asks for a negative amount ({demand[i]}), so it can never be placed";
                return true;
            }
        }

        reason = null;
        return false;
    }
}
