using System.Globalization;
using Wharf.Domain.Jobs;
using Wharf.Scheduling;
using Wharf.Storage;

namespace Wharf.Server.Execution;

/// <summary>Snapshots for scheduling passes, and the reasons waiting jobs wait.</summary>
internal sealed partial class ExecutionIndex
{
    private IReadOnlyDictionary<string, JobExplanation> _explanations = new Dictionary<string, JobExplanation>();
    private Dictionary<long, string> _blocked = [];
    private Dictionary<string, WaitingJob> _windowEnds = new(StringComparer.Ordinal);

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
            if (_waiting.Count == 0)
            {
                _blocked = [];
                return null;
            }

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

            var jobs = new List<SchedulingJob>();
            var blocked = new Dictionary<long, string>();
            var windowEnds = new Dictionary<string, WaitingJob>(StringComparer.Ordinal);
            foreach (var (name, queue) in _queues)
            {
                var taken = 0;
                foreach (var waiting in queue)
                {
                    if (taken >= _options.JobsPerQueuePerPass)
                    {
                        windowEnds[name] = waiting;
                        break;
                    }

                    if (waiting.Dependencies is { } dependencies && DependencyUnmet(waiting.Id, dependencies) is { } unmet)
                    {
                        blocked[waiting.Id] = unmet;
                        continue;
                    }

                    if (waiting.Peers is { } peers && PeerNotRunning(peers) is { } reason)
                    {
                        blocked[waiting.Id] = reason;
                        continue;
                    }

                    jobs.Add(waiting.Scheduling);
                    taken++;
                }
            }

            _blocked = blocked;
            _windowEnds = windowEnds;
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

    /// <summary>Keeps a pass's explanations: retrieve, browse and explain show them for waiting jobs.</summary>
    public void Record(SchedulingPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        lock (_gate)
        {
            _explanations = plan.Waiting;
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

            if (_explanations.TryGetValue(jobId, out var explanation))
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
            var explanation = _explanations.GetValueOrDefault(jobId);
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
