using System.Globalization;
using Wharf.Domain.Jobs;
using Wharf.Scheduling;
using Wharf.Storage;

namespace Wharf.Server.Execution;

/// <summary>Snapshots for scheduling passes, and the reasons waiting jobs wait.</summary>
internal sealed partial class ExecutionIndex
{
    private const int MaxArrivals = 10_000;

    private IReadOnlyDictionary<string, JobExplanation> _explanations = new Dictionary<string, JobExplanation>();
    private Dictionary<long, string> _blocked = [];
    private Dictionary<string, WaitingJob> _windowEnds = new(StringComparer.Ordinal);
    private Dictionary<string, (int Taken, WaitingJob? Last)> _windows = new(StringComparer.Ordinal);

    // The shortcut past passes that cannot change anything (see ExplainArrivals): every change that could alter what
    // a pass decides for the jobs already waiting bumps _version; a job that only starts to wait is an arrival instead.
    private readonly List<WaitingJob> _arrivals = [];
    private readonly Dictionary<string, JobExplanation> _arrivalExplanations = new(StringComparer.Ordinal);
    private long _version;
    private long _passVersion = -1;
    private bool _trackingArrivals;
    private QuietPass? _quiet;

    /// <summary>
    /// The state one pass reads: every node that runs tasks (declared nodes only count for admission; lost ones are
    /// gone), and from each queue the first <see cref="ExecutionOptions.JobsPerQueuePerPass"/> waiting jobs whose
    /// peers run. Null when nothing waits.
    /// </summary>
    public SchedulingSnapshot? Snapshot(DateTimeOffset now)
    {
        lock (_gate)
        {
            ForgetDependencyStatesNoOneWaitsFor();
            _quiet = null;
            _arrivals.Clear();
            _trackingArrivals = false;
            if (_waiting.Count == 0)
            {
                _blocked = [];
                return null;
            }

            // Jobs that begin to wait from now on are arrivals the next pass may explain without a full pass, if this
            // one turns out quiet (see Record) and nothing else changes meanwhile.
            _trackingArrivals = true;
            _passVersion = _version;

            var nodes = new List<SchedulingNode>(_nodes.Count);
            foreach (var node in _nodes.Values)
            {
                if (node.Record.State == NodeState.Lost)
                {
                    continue;
                }

                if (node.Record.Declared)
                {
                    nodes.Add(AdmissionDemands.DeclaredNode(node.Id, node.Total, node.Allocated, node.Labels, node.Record.State == NodeState.Ready));
                    continue;
                }

                var agentActive = node.Record.AgentId is { } agentId && _agents.TryGetValue(agentId, out var agent)
                    && agent.Record.State == AgentState.Active;
                nodes.Add(new SchedulingNode
                {
                    Id = node.Id,
                    Total = node.Total,
                    Allocated = node.Allocated,
                    Labels = node.Labels,
                    Products = node.Products,
                    Schedulable = agentActive && node.Record.State == NodeState.Ready,
                });
            }

            var jobs = new List<SchedulingJob>((int)Math.Min(_waiting.Count, (long)_queues.Count * _options.JobsPerQueuePerPass));
            var blocked = new Dictionary<long, string>();
            var windowEnds = new Dictionary<string, WaitingJob>(StringComparer.Ordinal);
            var windows = new Dictionary<string, (int Taken, WaitingJob? Last)>(StringComparer.Ordinal);
            foreach (var (name, queue) in _queues)
            {
                var taken = 0;
                WaitingJob? last = null;
                foreach (var waiting in queue)
                {
                    if (taken >= _options.JobsPerQueuePerPass)
                    {
                        windowEnds[name] = waiting;
                        break;
                    }

                    if (BlockedReason(waiting) is { } reason)
                    {
                        blocked[waiting.Id] = reason;
                        continue;
                    }

                    jobs.Add(waiting.Scheduling);
                    taken++;
                    last = waiting;
                }

                windows[name] = (taken, last);
            }

            _blocked = blocked;
            _windowEnds = windowEnds;
            _windows = windows;
            return new SchedulingSnapshot
            {
                Now = now,
                Nodes = nodes,
                Jobs = jobs,
                OwnerUsage = new Dictionary<string, Resources>(_ownerUsage, StringComparer.Ordinal),
            };
        }
    }

    /// <summary>Takes the admission-only jobs whose held capacity must be given back by the scheduler (see <see cref="AdmissionDemands.NeedsSettling"/>).</summary>
    public List<string> TakeAdmissionsToSettle()
    {
        lock (_gate)
        {
            var ids = _admissionsToSettle.Select(id => id.ToString(CultureInfo.InvariantCulture)).ToList();
            _admissionsToSettle.Clear();
            return ids;
        }
    }

    /// <summary>
    /// Keeps a pass's explanations (retrieve, browse and explain show them for waiting jobs), and, when the pass was
    /// quiet, what lets the next passes explain new jobs without a full pass (<see cref="ExplainArrivals"/>).
    /// </summary>
    public void Record(SchedulingPlan plan, QuietPass? quiet)
    {
        ArgumentNullException.ThrowIfNull(plan);
        lock (_gate)
        {
            _explanations = plan.Waiting;
            _arrivalExplanations.Clear();
            _quiet = quiet;
            if (quiet is null)
            {
                StopTrackingArrivals();
            }
        }
    }

    /// <summary>
    /// Instead of a full pass: when the last pass placed nothing and held nothing, nothing has changed since its
    /// snapshot but new jobs, and each new job is one that pass would have failed the same way (see
    /// <see cref="QuietPass"/>), gives the new jobs the reasons a full pass would, and returns true. A full pass then
    /// would only repeat the last one for every other job. Returns false, and a full pass must run, otherwise.
    /// </summary>
    /// <remarks>
    /// The snapshot's window (<see cref="ExecutionOptions.JobsPerQueuePerPass"/> jobs of each queue) is kept as a full
    /// pass would take it: a job past the end of a full window is not looked at; one the snapshot would look at and
    /// that waits for its dependencies or peers is blocked, as the snapshot would find; one that would move the end of
    /// the window, or push a job out of it, needs a full pass.
    /// </remarks>
    public bool ExplainArrivals(DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_quiet is not { } quiet || _version != _passVersion)
            {
                return StopTrackingArrivals();
            }

            _arrivals.Sort(QueueOrder.Instance);
            var blocked = new List<(long Id, string Reason)>();
            var explained = new List<JobExplanation>(_arrivals.Count);
            foreach (var arrival in _arrivals)
            {
                var (taken, last) = _windows.GetValueOrDefault(arrival.Queue);
                var beforeLast = last is not null && QueueOrder.Instance.Compare(arrival, last) < 0;
                if (!beforeLast && taken >= _options.JobsPerQueuePerPass)
                {
                    // The snapshot would stop at the end of the full window, or at this job, which would become its end.
                    if (_windowEnds.GetValueOrDefault(arrival.Queue) is { } end && QueueOrder.Instance.Compare(arrival, end) > 0)
                    {
                        continue;
                    }

                    return StopTrackingArrivals();
                }

                if (BlockedReason(arrival) is { } reason)
                {
                    blocked.Add((arrival.Id, reason));
                    continue;
                }

                if (beforeLast || quiet.Append(arrival.Scheduling, now) is not { } explanation)
                {
                    return StopTrackingArrivals();
                }

                _windows[arrival.Queue] = (taken + 1, arrival);
                explained.Add(explanation);
            }

            foreach (var (id, reason) in blocked)
            {
                _blocked[id] = reason;
            }

            foreach (var explanation in explained)
            {
                _arrivalExplanations[explanation.JobId] = explanation;
            }

            _arrivals.Clear();
            return true;
        }
    }

    /// <summary>
    /// Why a waiting job waits, as the scheduler last saw it; null when the job is not waiting (or no pass has
    /// looked at it yet), so the stored reason stands.
    /// </summary>
    public string? WaitingReason(string jobId)
    {
        if (!long.TryParse(jobId, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return null;
        }

        lock (_gate)
        {
            if (!_waiting.TryGetValue(id, out var waiting))
            {
                return null;
            }

            if (_blocked.TryGetValue(id, out var blocked))
            {
                return blocked;
            }

            if (ExplanationOf(jobId) is { } explanation)
            {
                return explanation.Reason;
            }

            // Past the part of its queue that passes look at: the jobs ahead decide when it is considered.
            return _windowEnds.TryGetValue(waiting.Queue, out var end) && QueueOrder.Instance.Compare(waiting, end) >= 0
                ? $"waiting: more than {_options.JobsPerQueuePerPass} jobs ahead in queue '{waiting.Queue}'"
                : null;
        }
    }

    /// <summary>Everything explain says of a waiting job, or null when the job does not wait.</summary>
    public WaitingExplanation? Explain(string jobId)
    {
        if (!long.TryParse(jobId, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return null;
        }

        lock (_gate)
        {
            if (!_waiting.TryGetValue(id, out var waiting))
            {
                return null;
            }

            var queue = _queues[waiting.Queue];
            var ahead = queue.GetViewBetween(queue.Min!, waiting).Count - 1;
            var nodes = _nodes.Values.Count(n => !n.Record.Declared && n.Record.State != NodeState.Lost);
            var explanation = ExplanationOf(jobId);
            var reason = _blocked.GetValueOrDefault(id) ?? explanation?.Reason
                ?? (ahead > 0 ? $"waiting: {ahead} jobs ahead in queue '{waiting.Queue}'" : "waiting: not yet considered by the scheduler");
            return new WaitingExplanation(waiting.Queue, ahead, reason, explanation?.NodesTotal ?? nodes,
                explanation?.NodeFailures ?? new Dictionary<string, int>());
        }
    }

    /// <summary>Per queue: how many jobs wait (placed ones that are still starting included) and how many run or stop.</summary>
    public List<(string Queue, int Waiting, int Running)> QueueCounts()
    {
        lock (_gate)
        {
            var counts = new Dictionary<string, (int Waiting, int Running)>(StringComparer.Ordinal);
            foreach (var (name, queue) in _queues)
            {
                counts[name] = (queue.Count, 0);
            }

            foreach (var placed in _placed.Values)
            {
                var state = placed.Job.Status.State;
                if (!state.IsActive())
                {
                    continue;
                }

                var (waiting, running) = counts.GetValueOrDefault(placed.Job.Status.Queue);
                counts[placed.Job.Status.Queue] = state == JobState.InQueue ? (waiting + 1, running) : (waiting, running + 1);
            }

            return [.. counts.Where(c => c.Value != (0, 0)).OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => (c.Key, c.Value.Waiting, c.Value.Running))];
        }
    }

    /// <summary>
    /// The positions around which a waiting job can be moved in its queue: the smallest and largest key of the other
    /// waiting jobs, and for <paramref name="otherId"/> its key and the keys just before and after it (the moved job
    /// left out). Null when <paramref name="jobId"/> does not wait.
    /// </summary>
    public QueueNeighbours? Neighbours(string jobId, string? otherId)
    {
        if (!long.TryParse(jobId, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return null;
        }

        lock (_gate)
        {
            if (!_waiting.TryGetValue(id, out var moving))
            {
                return null;
            }

            var queue = _queues[moving.Queue];
            long? min = queue.FirstOrDefault(w => w.Id != id)?.Priority;
            long? max = queue.Reverse().FirstOrDefault(w => w.Id != id)?.Priority;
            if (otherId is null || !long.TryParse(otherId, NumberStyles.None, CultureInfo.InvariantCulture, out var other)
                || !_waiting.TryGetValue(other, out var anchor) || anchor.Queue != moving.Queue)
            {
                return new QueueNeighbours(moving.Queue, moving.Priority, min, max, null, null, null);
            }

            long? before = queue.GetViewBetween(queue.Min!, anchor).Reverse().FirstOrDefault(w => w.Id != id && w.Id != other)?.Priority;
            long? after = queue.GetViewBetween(anchor, queue.Max!).FirstOrDefault(w => w.Id != id && w.Id != other)?.Priority;
            return new QueueNeighbours(moving.Queue, moving.Priority, min, max, anchor.Priority, before, after);
        }
    }

    /// <summary>
    /// Where position key <paramref name="key"/> falls among the other waiting jobs of <paramref name="jobId"/>'s queue:
    /// the last of them with a key at or below it, and the first above it (null at either end). Null when the job does
    /// not wait.
    /// </summary>
    public (string? Below, string? Above)? Around(string jobId, long key)
    {
        if (!long.TryParse(jobId, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return null;
        }

        lock (_gate)
        {
            if (!_waiting.TryGetValue(id, out var moving))
            {
                return null;
            }

            WaitingJob? below = null;
            WaitingJob? above = null;
            foreach (var other in _queues[moving.Queue])
            {
                if (other.Id == id)
                {
                    continue;
                }

                if (other.Priority <= key)
                {
                    below = other;
                }
                else
                {
                    above = other;
                    break;
                }
            }

            return (below?.Scheduling.Id, above?.Scheduling.Id);
        }
    }

    /// <summary>True when the job waits in the index (not placed, not ended).</summary>
    public bool IsWaiting(string jobId) =>
        long.TryParse(jobId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && WaitingLocked(id);

    private bool WaitingLocked(long id)
    {
        lock (_gate)
        {
            return _waiting.ContainsKey(id);
        }
    }

    /// <summary>Bumps the version the shortcut past full passes checks: something changed that a pass reads.</summary>
    private void NoteChange() => _version++;

    /// <summary>Called under the gate when a job starts to wait and nothing else changed.</summary>
    private void NoteArrival(WaitingJob waiting)
    {
        if (!_trackingArrivals)
        {
            return;
        }

        if (_arrivals.Count >= MaxArrivals)
        {
            // So many new jobs are worth a full pass; and a server that stopped leading takes no more passes, so the
            // list must not grow without end.
            StopTrackingArrivals();
            return;
        }

        _arrivals.Add(waiting);
    }

    private bool StopTrackingArrivals()
    {
        _quiet = null;
        _trackingArrivals = false;
        _arrivals.Clear();
        return false;
    }

    private JobExplanation? ExplanationOf(string jobId) =>
        _explanations.GetValueOrDefault(jobId) ?? _arrivalExplanations.GetValueOrDefault(jobId);

    /// <summary>Why a waiting job cannot be scheduled yet for want of its dependencies or peers; null when it can.</summary>
    private string? BlockedReason(WaitingJob waiting) =>
        waiting.Dependencies is { } dependencies && DependencyUnmet(waiting.Id, dependencies) is { } unmet ? unmet
        : waiting.Peers is { } peers ? PeerNotRunning(peers)
        : null;

    private string? PeerNotRunning(long[] peers)
    {
        foreach (var peer in peers)
        {
            if (!_placed.TryGetValue(peer, out var placed) || placed.Job.Status.State != JobState.Running)
            {
                var state = placed?.Job.Status.State;
                return state is null || state == JobState.InQueue
                    ? $"waiting: peer job {peer} is not running yet"
                    : $"waiting: peer job {peer} is {state.Value.ToWire()}";
            }
        }

        return null;
    }
}

/// <summary>What explain tells of a waiting job.</summary>
internal sealed record WaitingExplanation(string Queue, int JobsAhead, string Reason, int NodesConsidered, IReadOnlyDictionary<string, int> Failures);

/// <summary>Positions around a job to be moved (see <see cref="ExecutionIndex.Neighbours"/>).</summary>
internal sealed record QueueNeighbours(string Queue, long Current, long? Min, long? Max, long? Anchor, long? BeforeAnchor, long? AfterAnchor);
