namespace Wharf.Scheduling;

/// <summary>
/// What a pass that placed nothing and held no capacity knows about the jobs that could come after it: the failure
/// of every shape it tried, and where each queue ends. Jobs that arrive later, at the end of their queues, get from
/// <see cref="Append"/> the explanation a full pass over the same nodes would give them, without one.
/// </summary>
/// <remarks>
/// <para>Why that holds: in a pass that places nothing and holds nothing, free capacity never changes, so a job
/// fails for its shape alone (filter, strategy, demand) and every job of a shape gets the same failure, whatever its
/// place in the order. A job appended after the last of its queue changes no other job's decision or count of jobs
/// ahead; a full pass would take it last in its queue, where it fails as its shape did. A job of a shape the pass
/// never tried could fit, so <see cref="Append"/> declines it.</para>
/// <para>It declines, and a full pass is needed, also for a job that is old enough to hold capacity (it could take a
/// reservation), a job that does not come after the last of its queue, a fair-share queue (the order there depends
/// on owners), and once any job of the pass has become old enough to hold capacity (<see cref="NextAging"/>). The
/// caller must not use it once anything else changed: nodes, capacity, usage, options, or the waiting jobs other
/// than by new ones.</para>
/// </remarks>
public sealed class QuietPass
{
    private readonly SchedulerOptions _options;
    private readonly int _nodesTotal;
    private readonly Dictionary<string, QueueEnd> _queues = new(StringComparer.Ordinal);
    private readonly Dictionary<Shape, JobExplanation> _failures = [];

    private QuietPass(SchedulerOptions options, int nodesTotal)
    {
        _options = options;
        _nodesTotal = nodesTotal;
    }

    /// <summary>When the first job known to this pass becomes old enough to hold capacity; from then on only a full pass will do.</summary>
    public DateTimeOffset NextAging { get; private set; } = DateTimeOffset.MaxValue;

    /// <summary>
    /// What <paramref name="plan"/> (the result of <paramref name="snapshot"/> under <paramref name="options"/>) leaves
    /// for later jobs; null when it placed a job or held capacity, so that the next pass must be a full one.
    /// </summary>
    public static QuietPass? Of(SchedulerOptions options, SchedulingSnapshot snapshot, SchedulingPlan plan)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.Placements.Count > 0 || plan.Reservations.Count > 0)
        {
            return null;
        }

        var quiet = new QuietPass(options, snapshot.Nodes.Count);

        // Runs of jobs share their queue, constraints and demand objects: once one of them has given its shape's
        // failure, the next need not have its explanation read or its shape hashed, nor its queue looked up again.
        SchedulingJob? lastFailed = null;
        string? lastQueue = null;
        QueueEnd? end = null;
        foreach (var job in snapshot.Jobs)
        {
            if (lastFailed is not null && ReferenceEquals(job.Queue, lastFailed.Queue)
                && ReferenceEquals(job.Constraints, lastFailed.Constraints) && ReferenceEquals(job.Demand, lastFailed.Demand))
            {
                if (!plan.Waiting.ContainsKey(job.Id))
                {
                    return null;
                }
            }
            else
            {
                if (!plan.Waiting.TryGetValue(job.Id, out var explanation))
                {
                    return null;
                }

                if (explanation.Evaluated)
                {
                    quiet._failures.TryAdd(Shape.Of(job), explanation);
                    lastFailed = job;
                }
            }

            var queue = job.Queue ?? "default";
            if (end is null || !ReferenceEquals(queue, lastQueue))
            {
                end = quiet.EndOf(queue);
                lastQueue = queue;
            }

            end.Count++;
            if (end.Last is null || SchedulingPass.CompareOrder(job, end.Last) > 0)
            {
                end.Last = job;
            }

            quiet.NoteAge(job, snapshot.Now);
        }

        return quiet;
    }

    /// <summary>
    /// The explanation a full pass at <paramref name="now"/> would give <paramref name="job"/>, a job that began waiting
    /// since, with every job appended before it; or null when this cannot tell and a full pass must run. A job
    /// explained is counted in its queue, so the next is appended after it; a job declined changes nothing.
    /// </summary>
    public JobExplanation? Append(SchedulingJob job, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (now >= NextAging || Aged(job, now))
        {
            return null;
        }

        var queue = job.Queue ?? "default";
        var end = EndOf(queue);
        if (end.Policy.FairShare || (end.Last is not null && SchedulingPass.CompareOrder(job, end.Last) <= 0))
        {
            return null;
        }

        JobExplanation explanation;
        if (!end.Policy.Backfill && end.Count > 0)
        {
            // Nothing was placed, so the queue stopped at its first job: the pass never tries this one.
            explanation = new JobExplanation
            {
                JobId = job.Id,
                Queue = queue,
                Reason = $"waiting: {FailureAnalysis.Plural(end.Count, "job")} ahead in queue {queue}",
                JobsAhead = end.Count,
                Evaluated = false,
                NodesTotal = _nodesTotal,
            };
        }
        else if (_failures.TryGetValue(Shape.Of(job), out var failed))
        {
            explanation = new JobExplanation
            {
                JobId = job.Id,
                Queue = queue,
                Reason = failed.Reason,
                JobsAhead = end.Count,
                NodesTotal = _nodesTotal,
                NodesFitting = failed.NodesFitting,
                NodeFailures = failed.NodeFailures,
            };
        }
        else
        {
            return null;
        }

        end.Count++;
        end.Last = job;
        NoteAge(job, now);
        return explanation;
    }

    private QueueEnd EndOf(string queue)
    {
        if (!_queues.TryGetValue(queue, out var end))
        {
            var policy = _options.Queues.FirstOrDefault(q => q.Name == queue) ?? new QueuePolicy { Name = queue };
            _queues[queue] = end = new QueueEnd(policy);
        }

        return end;
    }

    private bool Aged(SchedulingJob job, DateTimeOffset now) => _options.ReservationAge is { } age && now - job.EnqueuedAt >= age;

    private void NoteAge(SchedulingJob job, DateTimeOffset now)
    {
        // A job already old enough was so in the pass too and held nothing (it fits on no node even empty, or its
        // queue holds enough): while nothing changes it stays so. Only jobs still to age bring a full pass forward.
        if (_options.ReservationAge is { } age && !Aged(job, now) && job.EnqueuedAt + age < NextAging)
        {
            NextAging = job.EnqueuedAt + age;
        }
    }

    /// <summary>A queue as far as the pass took it: how many jobs, and the last of them in queue order.</summary>
    private sealed class QueueEnd(QueuePolicy policy)
    {
        public QueuePolicy Policy { get; } = policy;

        public int Count { get; set; }

        public SchedulingJob? Last { get; set; }
    }

    /// <summary>
    /// What decides a job's failure when capacity stands still: its queue (which gives the node pool), node filter,
    /// strategy and demand. Finer than the pass's <see cref="ShapeKey"/>, which shares filters between queues of one pool.
    /// </summary>
    private readonly struct Shape : IEquatable<Shape>
    {
        private readonly string _queue;
        private readonly string _filterKey;
        private readonly PlacementStrategy _strategy;
        private readonly IReadOnlyList<Resources> _demand;
        private readonly int _hash;

        private Shape(string queue, PlacementConstraints constraints, IReadOnlyList<Resources> demand)
        {
            _queue = queue;
            _filterKey = constraints.FilterKey;
            _strategy = constraints.Strategy;
            _demand = demand;
            var hash = new HashCode();
            hash.Add(queue, StringComparer.Ordinal);
            hash.Add(_filterKey, StringComparer.Ordinal);
            hash.Add(_strategy);
            JobDemand.AddTo(ref hash, demand);
            _hash = hash.ToHashCode();
        }

        public static Shape Of(SchedulingJob job) =>
            new(job.Queue ?? "default", job.Constraints ?? PlacementConstraints.None, job.Demand ?? []);

        public bool Equals(Shape other) =>
            _hash == other._hash && _strategy == other._strategy && string.Equals(_queue, other._queue, StringComparison.Ordinal)
            && string.Equals(_filterKey, other._filterKey, StringComparison.Ordinal) && JobDemand.Same(_demand, other._demand);

        public override bool Equals(object? obj) => obj is Shape other && Equals(other);

        public override int GetHashCode() => _hash;
    }
}
