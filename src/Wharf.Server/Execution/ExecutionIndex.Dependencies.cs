using System.Globalization;
using Wharf.Domain.Jobs;
using Wharf.Scheduling;

namespace Wharf.Server.Execution;

/// <summary>
/// Dependencies between jobs (compose's <c>depends_on</c>): a waiting job is not scheduled before each job it depends
/// on meets its condition, and is failed (by the scheduler, <see cref="TakeDoomed"/>) once one never can. The state of a
/// depended-on job that has ended is remembered here; one not seen since the server started is read from the store
/// (<see cref="TakeUnknownDependencies"/>, <see cref="NoteDependencyStates"/>).
/// </summary>
internal sealed partial class ExecutionIndex
{
    private readonly Dictionary<long, (JobState State, bool Healthy)> _dependencyStates = [];
    private readonly HashSet<long> _dependedOn = [];
    private readonly HashSet<long> _unknownDependencies = [];
    private readonly Dictionary<long, string> _doomed = [];

    /// <summary>Takes the waiting jobs whose dependencies can no longer be met, with the reason each fails.</summary>
    public List<(string JobId, string Reason)> TakeDoomed()
    {
        lock (_gate)
        {
            var doomed = _doomed.Select(d => (d.Key.ToString(CultureInfo.InvariantCulture), d.Value)).ToList();
            _doomed.Clear();
            return doomed;
        }
    }

    /// <summary>Takes the depended-on jobs whose state the index does not know (ended before the server started).</summary>
    public List<string> TakeUnknownDependencies()
    {
        lock (_gate)
        {
            var unknown = _unknownDependencies.Select(id => id.ToString(CultureInfo.InvariantCulture)).ToList();
            _unknownDependencies.Clear();
            return unknown;
        }
    }

    /// <summary>Records the states of depended-on jobs read from the store; <paramref name="missing"/> ones no longer exist.</summary>
    public void NoteDependencyStates(IEnumerable<Job> jobs, IEnumerable<string> missing)
    {
        lock (_gate)
        {
            foreach (var job in jobs)
            {
                if (long.TryParse(job.Id, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && !_dependencyStates.ContainsKey(id))
                {
                    _dependencyStates[id] = (job.Status.State, IsHealthy(job));
                }
            }

            foreach (var gone in missing)
            {
                if (long.TryParse(gone, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                {
                    _dependencyStates.TryAdd(id, (JobState.Failure, false));
                }
            }

            NoteChange();
        }

        SchedulerWake.Set();
    }

    /// <summary>Every rank runs and none is known unhealthy; with a health check (an inline application's), each has passed it.</summary>
    private static bool IsHealthy(Job job)
    {
        if (job.Status.State != JobState.Running || job.Status.Ranks is not { Count: > 0 } ranks)
        {
            return false;
        }

        var checkedHealth = job.Specification.Definition?.HealthCheck is not null;
        return ranks.All(r => r.State == RankState.Running
            && (checkedHealth ? r.Health == RankHealth.Healthy : r.Health != RankHealth.Unhealthy));
    }

    private static bool HealthChanged(Job before, Job after) =>
        before.Status.Ranks?.Select(r => r.Health).SequenceEqual(after.Status.Ranks?.Select(r => r.Health) ?? []) == false;

    /// <summary>
    /// Called under the gate at each pass: once no waiting job has peers or dependencies, the remembered states serve no
    /// one, so they are dropped rather than kept for every job ever depended on. A later dependent reads its
    /// dependencies' states again (from the index, or the store for ended ones).
    /// </summary>
    private void ForgetDependencyStatesNoOneWaitsFor()
    {
        if (_waitingWithPeers == 0 && _dependedOn.Count > 0)
        {
            _dependedOn.Clear();
            _dependencyStates.Clear();
        }
    }

    /// <summary>Called under the gate for every job applied: remembers the state of jobs that others depend on.</summary>
    private void NoteDependencyState(long id, Job job)
    {
        if (_dependedOn.Contains(id))
        {
            _dependencyStates[id] = (job.Status.State, IsHealthy(job));
        }
    }

    private (long Id, string Condition)[]? DependenciesOf(JobSpecification spec)
    {
        if (spec.DependsOn is not { Count: > 0 } dependsOn)
        {
            return null;
        }

        var dependencies = new List<(long, string)>();
        foreach (var dependency in dependsOn)
        {
            if (long.TryParse(dependency?.JobId, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                dependencies.Add((id, dependency.Condition ?? DependencyConditions.Started));
                if (_dependedOn.Add(id) && !_waiting.ContainsKey(id) && !_placed.ContainsKey(id))
                {
                    _unknownDependencies.Add(id);
                }
            }
        }

        return dependencies.Count == 0 ? null : [.. dependencies];
    }

    /// <summary>Why <paramref name="waitingId"/> cannot start yet, or null when every dependency is met; marks it doomed when one never will be.</summary>
    private string? DependencyUnmet(long waitingId, (long Id, string Condition)[] dependencies)
    {
        foreach (var (id, condition) in dependencies)
        {
            (JobState State, bool Healthy)? known =
                _waiting.ContainsKey(id) ? (JobState.InQueue, false)
                : _placed.TryGetValue(id, out var placed) ? (placed.Job.Status.State, IsHealthy(placed.Job))
                : _dependencyStates.TryGetValue(id, out var state) ? state
                : null;
            if (known is not { } dependency)
            {
                _unknownDependencies.Add(id);
                return $"waiting: dependency job {id} is being looked up";
            }

            var met = condition switch
            {
                DependencyConditions.CompletedSuccessfully => dependency.State == JobState.Success,
                DependencyConditions.Healthy => dependency.State == JobState.Running && dependency.Healthy,
                _ => dependency.State == JobState.Running,
            };
            if (met)
            {
                continue;
            }

            var ended = dependency.State.IsFinal() || dependency.State == JobState.Canceling;
            if (ended)
            {
                _doomed[waitingId] = $"dependency job {id} is {dependency.State.ToWire()} and can no longer meet {condition}";
                return _doomed[waitingId];
            }

            return condition switch
            {
                DependencyConditions.CompletedSuccessfully => $"waiting: dependency job {id} has not completed yet",
                DependencyConditions.Healthy when dependency.State == JobState.Running => $"waiting: dependency job {id} is not healthy yet",
                _ => $"waiting: dependency job {id} is not running yet",
            };
        }

        return null;
    }

    private static Resources Of(RankDemand demand) =>
        new((long)Math.Ceiling(demand.Cpu * 1000), demand.MemoryMiB, demand.Gpu);
}
