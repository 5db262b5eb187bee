using System.Collections.Concurrent;
using Wharf.Domain.Agents;
using Wharf.Domain.Jobs;
using Wharf.Domain.Serialization;
using Wharf.Domain.Validation;
using Wharf.Storage;

namespace Wharf.Server.Execution;

/// <summary>
/// Applies what agents report about their ranks: each report decided by <see cref="RankReports"/> over the job as
/// saved, all of one request's changes saved in one batch of compare-and-sets, and the jobs whose save lost to
/// another writer read again and decided again. An agent reports only on ranks placed on its own nodes; reports
/// on other ranks change nothing (and a rank it runs that nobody wants there is stopped).
/// </summary>
internal sealed class AgentReports(ExecutionIndex index, IWharfStore store, TimeProvider time, ILogger<AgentReports> logger)
{
    private const int Attempts = 6;
    private const int RememberedRestarts = 10_000;

    // Restarted reports look alike when repeated; the agent's timestamp tells a repeat from a new restart.
    private readonly ConcurrentDictionary<(string JobId, int Rank, long At), byte> _restarts = new();

    /// <summary>The outcome of a batch of reports.</summary>
    /// <param name="Refused">Reports about ranks placed on another agent's nodes, by their index in the request.</param>
    /// <param name="Unsaved">True when some changes could not be saved however often they were decided again (the agent should send them again).</param>
    public sealed record Outcome(IReadOnlyList<ValidationError> Refused, bool Unsaved);

    public async Task<Outcome> ApplyAsync(string agentId, IReadOnlyList<TaskEvent> events, CancellationToken cancellationToken)
    {
        var refused = new List<ValidationError>();
        var byJob = new Dictionary<string, List<(TaskEvent Event, int Index)>>(StringComparer.Ordinal);
        for (var i = 0; i < events.Count; i++)
        {
            var report = events[i];
            if (!byJob.TryGetValue(report.JobId, out var list))
            {
                byJob[report.JobId] = list = [];
            }

            list.Add((report, i));
        }

        var jobs = new Dictionary<string, Job?>(StringComparer.Ordinal);
        foreach (var id in byJob.Keys)
        {
            jobs[id] = index.FindPlaced(id);
        }

        await ReadAsync(jobs, [.. jobs.Where(j => j.Value is null).Select(j => j.Key)], cancellationToken);
        var pending = byJob.Keys.ToList();
        for (var attempt = 0; attempt < Attempts && pending.Count > 0; attempt++)
        {
            var now = WharfJson.ToMilliseconds(time.GetUtcNow());
            var changes = new List<JobChange>();
            var changed = new List<(string JobId, int From, int Count, List<(string, int, long)> Restarts)>();
            foreach (var jobId in pending)
            {
                var from = changes.Count;
                var restarts = new List<(string, int, long)>();
                Decide(agentId, jobs[jobId], byJob[jobId], now, changes, restarts, attempt == 0 ? refused : null);
                changed.Add((jobId, from, changes.Count - from, restarts));
            }

            var saved = await store.Jobs.TrySaveEachAsync(changes, cancellationToken);
            var retry = new List<string>();
            foreach (var (jobId, from, count, restarts) in changed)
            {
                if (Enumerable.Range(from, count).All(i => saved[i]))
                {
                    foreach (var restart in restarts)
                    {
                        Remember(restart);
                    }
                }
                else
                {
                    retry.Add(jobId);
                }
            }

            pending = retry;
            if (pending.Count > 0)
            {
                await ReadAsync(jobs, pending, cancellationToken);
            }
        }

        if (pending.Count > 0)
        {
            logger.LogWarning("Reports of agent {Agent} on jobs {Jobs} could not be saved: the jobs kept changing", agentId, string.Join(", ", pending));
        }

        return new Outcome(refused, pending.Count > 0);
    }

    /// <summary>
    /// Marks ranks that were stopped before their agent acknowledged starting them as gone: the agent now has the
    /// stop, so if it did start them it stops them, and otherwise there is nothing to wait for.
    /// </summary>
    public async Task DropUnstartedAsync(IReadOnlyList<(Job Job, int Rank)> ranks, CancellationToken cancellationToken)
    {
        foreach (var group in ranks.GroupBy(r => r.Job.Id, StringComparer.Ordinal))
        {
            var job = group.First().Job;
            var wanted = group.Select(r => r.Rank).ToHashSet();
            for (var attempt = 0; attempt < Attempts && job is not null; attempt++)
            {
                if (job.Status.Ranks is not { } current || !current.Any(r => wanted.Contains(r.Rank) && r.State == RankState.Assigned))
                {
                    break;
                }

                IReadOnlyList<RankStatus> gone = [.. current.Select(r => wanted.Contains(r.Rank) && r.State == RankState.Assigned ? r with { State = RankState.Exited } : r)];
                var now = WharfJson.ToMilliseconds(time.GetUtcNow());
                var change = job.Status.State == JobState.Canceling && gone.All(r => r.State == RankState.Exited)
                    ? job.Apply(JobTransitions.Complete, now, RankReports.TerminatedReason(job.Status), amend: s => s with { Ranks = gone })
                    : job.Amend(s => s with { Ranks = gone }, now, $"Stopped before it started: rank {string.Join(", ", wanted.Order())}");
                if (await store.Jobs.TrySaveAsync(change, cancellationToken))
                {
                    break;
                }

                job = await store.Jobs.GetJobAsync(job.Id, cancellationToken);
            }
        }
    }

    private void Decide(
        string agentId,
        Job? job,
        List<(TaskEvent Event, int Index)> reports,
        DateTimeOffset now,
        List<JobChange> changes,
        List<(string, int, long)> restarts,
        List<ValidationError>? refused)
    {
        foreach (var (report, i) in reports)
        {
            if (job is null || !index.Holds(agentId, job, report.Rank))
            {
                if (job is not null && refused is not null && PlacedElsewhere(agentId, job, report.Rank))
                {
                    refused.Add(new ValidationError($"events[{i}]", "forbidden", $"job {report.JobId} rank {report.Rank} is not placed on this agent's nodes"));
                }

                // A rank it runs that nobody wants there is stopped (a health report says it runs); a report that one
                // ended settles any stop pending for it.
                if (report.Kind is TaskEventKind.Started or TaskEventKind.Restarted or TaskEventKind.Healthy or TaskEventKind.Unhealthy)
                {
                    index.StopOrphan(agentId, report.JobId, report.Rank);
                }
                else
                {
                    index.Forget(agentId, report.JobId, report.Rank);
                }

                continue;
            }

            var key = (report.JobId, report.Rank, report.Timestamp.ToUnixTimeMilliseconds());
            if (report.Kind == TaskEventKind.Restarted && (_restarts.ContainsKey(key) || restarts.Contains(key)))
            {
                continue;
            }

            var decided = RankReports.Decide(job, report, now);
            if (decided.Count > 0)
            {
                changes.AddRange(decided);
                job = decided[^1].After;
                if (report.Kind == TaskEventKind.Restarted)
                {
                    restarts.Add(key);
                }
            }
        }
    }

    private bool PlacedElsewhere(string agentId, Job job, int rank) =>
        job.Status.Ranks is { } ranks && rank >= 0 && rank < ranks.Count
        && index.AgentIdOf(ranks[rank].NodeId) is { } holder && holder != agentId;

    private async Task ReadAsync(Dictionary<string, Job?> jobs, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return;
        }

        foreach (var id in ids)
        {
            jobs[id] = null;
        }

        foreach (var job in await store.Jobs.GetJobsAsync(ids, cancellationToken))
        {
            jobs[job.Id] = job;
        }
    }

    private void Remember((string JobId, int Rank, long At) restart)
    {
        if (_restarts.Count >= RememberedRestarts)
        {
            _restarts.Clear();
        }

        _restarts[restart] = 0;
    }
}
