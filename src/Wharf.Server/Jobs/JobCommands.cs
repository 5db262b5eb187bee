using Wharf.Domain.Jobs;
using Wharf.Domain.Serialization;
using Wharf.Domain.Validation;
using Wharf.Server.Api;
using Wharf.Server.Auth;
using Wharf.Server.Problems;
using Wharf.Storage;

namespace Wharf.Server.Jobs;

/// <summary>What a bulk command decides for one job: the change to save, or why it cannot be made.</summary>
internal delegate (JobChange? Change, string? Refusal) JobDecision(Job job, int index, DateTimeOffset now);

/// <summary>
/// Bulk commands on existing jobs (terminate, suspend, unsuspend, extend), all or nothing: every job is loaded,
/// every change computed through the state machine, and all saved in one compare-and-set transaction. When another
/// writer came first the jobs are read again and the decision made again, a few times, before giving up with 409.
/// </summary>
internal sealed class JobCommands(IWharfStore store, TimeProvider time)
{
    private const int Attempts = 5;

    /// <summary>Checks the ids of a bulk request: present, at most once each. Null when they are fine.</summary>
    public static ProblemResult? CheckIds(IReadOnlyList<string?> ids, string idField)
    {
        var errors = new List<ValidationError>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < ids.Count; i++)
        {
            if (string.IsNullOrEmpty(ids[i]))
            {
                errors.Add(new($"items[{i}].{idField}", "required", "a job id is required"));
            }
            else if (!seen.TryAdd(ids[i]!, i))
            {
                errors.Add(new($"items[{i}].{idField}", "duplicate_id", $"job {ids[i]} is already named by items[{seen[ids[i]!]}]"));
            }
        }

        return errors.Count > 0 ? Problem.Validation(errors) : null;
    }

    public async Task<IResult> ApplyAsync(Caller caller, IReadOnlyList<string> ids, string idField, JobDecision decide, CancellationToken cancellationToken)
    {
        var lookup = ids.Where(Identifiers.IsJobId).ToList();
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var loaded = lookup.Count == 0 ? [] : await store.Jobs.GetJobsAsync(lookup, cancellationToken);
            var jobs = loaded.Where(caller.CanSee).ToDictionary(job => job.Id, StringComparer.Ordinal);
            var missing = new List<ValidationError>();
            for (var i = 0; i < ids.Count; i++)
            {
                if (!jobs.ContainsKey(ids[i]))
                {
                    missing.Add(new($"items[{i}].{idField}", ProblemCodes.NotFound, $"there is no job '{ids[i]}'"));
                }
            }

            if (missing.Count > 0)
            {
                return Problem.NotFound(missing.Count == 1 ? missing[0].Message : $"{missing.Count} jobs do not exist", missing);
            }

            var now = WharfJson.ToMilliseconds(time.GetUtcNow());
            var changes = new List<JobChange>(ids.Count);
            var refusals = new List<ValidationError>();
            for (var i = 0; i < ids.Count; i++)
            {
                var (change, refusal) = decide(jobs[ids[i]], i, now);
                if (change is not null)
                {
                    changes.Add(change);
                }
                else
                {
                    refusals.Add(new($"items[{i}]", ProblemCodes.InvalidTransition, refusal ?? "the change is not possible"));
                }
            }

            if (refusals.Count > 0)
            {
                return Problem.Conflict(ProblemCodes.InvalidTransition,
                    refusals.Count == 1 ? $"{refusals[0].Field}: {refusals[0].Message}" : $"{refusals.Count} jobs cannot make this change; nothing was changed",
                    refusals);
            }

            if (await store.Jobs.TrySaveAllAsync(changes, cancellationToken))
            {
                return TypedResults.Ok(new BulkResponse<Nothing>([.. ids.Select(_ => new Nothing())]));
            }
        }

        return Problem.Conflict(ProblemCodes.Conflict, "the jobs kept changing while this request was applied; nothing was changed, try again");
    }

    /// <summary>
    /// Terminate: a running job starts canceling (and ends SUCCESS once its agent reports its processes gone); a queued
    /// or suspended one ends at once (SUCCESS). Either way the reason names <paramref name="user"/>, when given.
    /// </summary>
    public static (JobChange?, string?) Terminate(Job job, DateTimeOffset now, string? user = null) =>
        JobTransitions.ForTerminate(job.Status.State) is { } transition
            ? (job.Apply(
                transition,
                now,
                user is null ? null : transition == JobTransitions.Terminate ? $"terminate requested by {user}; stopping" : $"terminated by {user}",
                amend: s => s with { TerminatedBy = user ?? s.TerminatedBy }), null)
            : (null, $"job {job.Id} is {job.Status.State.ToWire()} and cannot be terminated (possible from IN_QUEUE, RUNNING or SUSPENDED)");

    /// <summary>Unsuspend: the job waits for capacity again, to be placed anew (ranks still stopping are stopped as orphans).</summary>
    public static (JobChange?, string?) Unsuspend(Job job, DateTimeOffset now)
    {
        try
        {
            return (job.Apply(JobTransitions.Unsuspend, now, amend: s => s with { Ranks = null }), null);
        }
        catch (InvalidTransitionException e)
        {
            return (null, e.Message);
        }
    }

    /// <summary>A state-machine transition; an impossible one is refused with the state named.</summary>
    public static (JobChange?, string?) Transition(Job job, JobTransition transition, DateTimeOffset now)
    {
        try
        {
            return (job.Apply(transition, now), null);
        }
        catch (InvalidTransitionException e)
        {
            return (null, e.Message);
        }
    }

    /// <summary>Extend the time allocation; refused for final jobs and jobs without an allocation.</summary>
    public static (JobChange?, string?) Extend(Job job, SimpleDuration requested, DateTimeOffset now)
    {
        if (job.Status.TimeAllocation?.TotalSecondsOrNull() is { } current && current + requested.TotalSecondsOrNull() > MaxAllocationSeconds)
        {
            return (null, $"job {job.Id}'s time allocation would exceed 100 years");
        }

        try
        {
            return (job.Extend(requested, now), null);
        }
        catch (InvalidOperationException e)
        {
            return (null, e.Message);
        }
    }

    public const long MaxAllocationSeconds = 100L * 365 * 24 * 3600;
}
