using System.Collections.Concurrent;
using Wharf.Domain.Agents;

namespace Wharf.Agent;

/// <summary>
/// The tasks this agent runs, one <see cref="TaskRunner"/> per job and rank. A rank has at most one runner: the
/// server sends an assignment again until it hears Started or StartFailed, and a repeat must not start a second copy.
/// </summary>
internal sealed class TaskTable
{
    private readonly ConcurrentDictionary<TaskRef, TaskRunner> _runners = new();

    /// <summary>Adds the runner unless its rank already has one; false when it had.</summary>
    public bool TryAdd(TaskRunner runner) => _runners.TryAdd(runner.Ref, runner);

    /// <summary>Removes the runner if it is still the one for its rank.</summary>
    public void Remove(TaskRunner runner) => _runners.TryRemove(new KeyValuePair<TaskRef, TaskRunner>(runner.Ref, runner));

    public TaskRunner? Find(TaskRef task) => _runners.GetValueOrDefault(task);

    /// <summary>The runners a stop order names: one rank, or every rank of the job.</summary>
    public IReadOnlyList<TaskRunner> Matching(TaskStop stop) =>
        [.. _runners.Values.Where(r => r.Ref.JobId == stop.JobId && (stop.Rank is null || r.Ref.Rank == stop.Rank))];

    /// <summary>The ranks that have a runner, for a registration.</summary>
    public IReadOnlyList<TaskRef> Running() => [.. _runners.Keys.OrderBy(t => t.JobId, StringComparer.Ordinal).ThenBy(t => t.Rank)];

    public IReadOnlyList<TaskRunner> All() => [.. _runners.Values];
}
