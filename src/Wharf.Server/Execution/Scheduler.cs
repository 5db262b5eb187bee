using Wharf.Domain.Jobs;
using Wharf.Domain.Serialization;
using Wharf.Scheduling;
using Wharf.Storage;

namespace Wharf.Server.Execution;

/// <summary>
/// The deployment's one scheduler (run only by the server that leads): wakes on the index's coalescing signal — a
/// job waits, capacity was freed, a node came — never on a polling interval; runs the matchmaker over a snapshot;
/// and writes the placements in batches, each a compare-and-set that records the ranks as assigned to nodes. The
/// saves reach the index through the job feed, and the index wakes the agents' long polls.
/// </summary>
internal sealed class Scheduler(ExecutionIndex index, IWharfStore store, ExecutionOptions options, TimeProvider time, ILogger<Scheduler> logger)
{
    private const int WriteBatchSize = 500;

    /// <summary>How many times its own length a pass that placed nothing rests.</summary>
    private const int NothingPlacedRest = 3;

    /// <summary>A pass also runs this often while jobs wait, so that ages (reservations) count even when nothing else happens.</summary>
    private static readonly TimeSpan IdlePass = TimeSpan.FromSeconds(30);

    private readonly Matchmaker _matchmaker = new(options.Scheduler);
    private long _lastFullPass = time.GetTimestamp();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        index.SchedulerWake.Set();
        while (!cancellationToken.IsCancellationRequested)
        {
            var woken = await index.SchedulerWake.WaitAsync(IdlePass, time, cancellationToken);
            try
            {
                var started = time.GetTimestamp();

                // Most wakes in a backlog that cannot move are new jobs of shapes that already failed: the index explains
                // those without a pass (ExecutionIndex.ExplainArrivals). The idle pass, and one at least every IdlePass
                // while jobs keep coming, is always full, whatever the shortcut believes.
                var full = !woken || time.GetElapsedTime(_lastFullPass, started) >= IdlePass;
                if (await PassAsync(full, cancellationToken) == 0)
                {
                    // A pass that placed nothing rests three times as long as it took before the next, so that a
                    // stream of new jobs behind a queue that cannot move costs the scheduler at most a quarter of a
                    // core (each pass still gives every waiting job its reason). An idle system's passes take
                    // microseconds, so a lone job is not held up; 4,000 waiting jobs get their reasons within ~10 ms.
                    await Task.Delay(time.GetElapsedTime(started) * NothingPlacedRest, time, cancellationToken);
                }
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                logger.LogError(e, "A scheduling pass failed; trying again shortly");
                await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken);
                index.SchedulerWake.Set();
            }
        }
    }

    /// <summary>
    /// One pass: plan, then write the placements; a placement that lost its compare-and-set is tried again next pass.
    /// Unless <paramref name="full"/>, new jobs that the last pass's results already explain are explained without a
    /// pass (see <see cref="ExecutionIndex.ExplainArrivals"/>). Returns how many jobs were placed.
    /// </summary>
    public async Task<int> PassAsync(bool full, CancellationToken cancellationToken)
    {
        var now = WharfJson.ToMilliseconds(time.GetUtcNow());
        await SettleAdmissionsAsync(now, cancellationToken);
        await LookUpDependenciesAsync(cancellationToken);
        if (!full && index.ExplainArrivals(now))
        {
            await FailDoomedAsync(now, cancellationToken);
            return 0;
        }

        _lastFullPass = time.GetTimestamp();
        var snapshot = index.Snapshot(now);
        await FailDoomedAsync(now, cancellationToken);
        if (snapshot is null)
        {
            return 0;
        }

        var plan = _matchmaker.Schedule(snapshot);
        index.Record(plan, QuietPass.Of(_matchmaker.Options, snapshot, plan));
        var placed = 0;
        foreach (var batch in plan.Placements.Chunk(WriteBatchSize))
        {
            var jobs = (await store.Jobs.GetJobsAsync([.. batch.Select(p => p.JobId)], cancellationToken)).ToDictionary(j => j.Id, StringComparer.Ordinal);
            var changes = new List<JobChange>(batch.Length);
            foreach (var placement in batch)
            {
                if (jobs.TryGetValue(placement.JobId, out var job) && Place(job, placement, now) is { } change)
                {
                    changes.Add(change);
                }
            }

            var saved = await store.Jobs.TrySaveEachAsync(changes, cancellationToken);
            placed += saved.Count(s => s);
            var lost = saved.Count(s => !s) + (batch.Length - changes.Count);
            if (lost > 0)
            {
                // The jobs changed meanwhile (terminated, moved): the index has their news by now, and the next pass decides again.
                logger.LogDebug("{Count} placements were not written: their jobs changed meanwhile", lost);
                index.SchedulerWake.Set();
            }
        }

        return placed;
    }

    /// <summary>Gives back the capacity of admission-only jobs that no agent will report on (see <see cref="AdmissionDemands.NeedsSettling"/>).</summary>
    private async Task SettleAdmissionsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var ids = index.TakeAdmissionsToSettle();
        if (ids.Count == 0)
        {
            return;
        }

        var changes = (await store.Jobs.GetJobsAsync(ids, cancellationToken)).Where(AdmissionDemands.NeedsSettling)
            .Select(job => AdmissionDemands.Settle(job, now)).ToList();
        await store.Jobs.TrySaveEachAsync(changes, cancellationToken);
    }

    /// <summary>Reads the states of depended-on jobs that ended before this server started.</summary>
    private async Task LookUpDependenciesAsync(CancellationToken cancellationToken)
    {
        var ids = index.TakeUnknownDependencies();
        if (ids.Count == 0)
        {
            return;
        }

        var jobs = await store.Jobs.GetJobsAsync(ids, cancellationToken);
        index.NoteDependencyStates(jobs, ids.Except(jobs.Select(j => j.Id), StringComparer.Ordinal));
    }

    /// <summary>Fails the waiting jobs whose dependencies can no longer be met.</summary>
    private async Task FailDoomedAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var doomed = index.TakeDoomed();
        if (doomed.Count == 0)
        {
            return;
        }

        var reasons = doomed.ToDictionary(d => d.JobId, d => d.Reason, StringComparer.Ordinal);
        var changes = (await store.Jobs.GetJobsAsync(reasons.Keys, cancellationToken))
            .Where(job => job.Status.State == JobState.InQueue && job.Status.Ranks is null)
            .Select(job => job.Apply(JobTransitions.Fail, now, reasons[job.Id]))
            .ToList();
        await store.Jobs.TrySaveEachAsync(changes, cancellationToken);
    }

    private static JobChange? Place(Job job, Placement placement, DateTimeOffset now)
    {
        var status = job.Status;
        if (job.Specification.Admission is { } admission)
        {
            return status.State == JobState.InQueue && placement.NodeIds.Count == admission.Instances.Count
                ? AdmissionDemands.Admit(job, placement.NodeIds, now)
                : null;
        }

        if (status.State != JobState.InQueue || status.Ranks?.Any(r => r.State != RankState.Exited) == true
            || placement.NodeIds.Count != Math.Max(1, job.Specification.Replicas))
        {
            return null;
        }

        var nodes = string.Join(", ", placement.NodeIds.Distinct(StringComparer.Ordinal));
        IReadOnlyList<RankStatus> ranks = [.. placement.NodeIds.Select((node, rank) => new RankStatus(rank, node, RankState.Assigned))];
        return job.Amend(s => s with { Ranks = ranks, Reason = $"Placed on {nodes}; starting" }, now, $"Placed on {nodes}");
    }
}
