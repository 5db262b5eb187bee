using Wharf.Domain.Groups;
using Wharf.Domain.Jobs;
using Wharf.Domain.Serialization;
using Wharf.Server.Api;
using Wharf.Server.Auth;
using Wharf.Server.Problems;
using Wharf.Storage;

namespace Wharf.Server.Doors.Icos;

/// <summary>
/// Reads and changes the jobs behind this door. Every change is computed from the job as read and saved with
/// compare-and-set; when another writer came first the job is read again and the decision made again, so two
/// agents promoting one job both decide on fresh data and exactly one wins.
/// </summary>
internal static class JobEdits
{
    private const int Attempts = 8;

    /// <summary>The ICOS job <paramref name="id"/> if the caller may see it; otherwise a 404 naming it.</summary>
    public static async Task<(Job? Job, IResult? Missing)> FindAsync(Caller caller, string? id, IWharfStore store, CancellationToken ct)
    {
        var job = Identifiers.IsJobId(id) ? await store.Jobs.GetJobAsync(id!, ct) : null;
        return job is not null && IsIcos(job) && caller.CanSee(job) && !IcosFacts.Of(job).Deleted
            ? (job, null)
            : (null, Problem.NotFound($"there is no ICOS job '{Short(id)}'", [new("job_uuid", ProblemCodes.NotFound, "no such job in the caller's projects")]));
    }

    /// <summary>True for a job an ICOS orchestrator executes (a member of an ICOS group).</summary>
    public static bool IsIcos(Job job) => job.Specification.Orchestrator is not null && job.Specification.Group is not null;

    /// <summary>Decides and saves, again on fresh data when another change came first; 409 when it kept changing.</summary>
    public static async Task<(Job? Job, IResult? Refusal)> ChangeAsync(
        Job job, IWharfStore store, TimeProvider time, Func<Job, DateTimeOffset, Decision> decide, CancellationToken ct)
    {
        var current = job;
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var now = WharfJson.ToMilliseconds(time.GetUtcNow());
            Decision decision;
            try
            {
                decision = decide(current, now);
            }
            catch (InvalidTransitionException e)
            {
                return (null, Problem.Conflict(ProblemCodes.InvalidTransition, e.Message));
            }

            switch (decision)
            {
                case Decision.Refuse refuse:
                    return (null, refuse.Answer);
                case Decision.Keep:
                    return (current, null);
                case Decision.Save save when await store.Jobs.TrySaveAsync(save.Change, ct):
                    return (save.Change.After, null);
            }

            if (await store.Jobs.GetJobAsync(current.Id, ct) is not { } fresh)
            {
                return (null, Problem.NotFound($"job {current.Id} is gone"));
            }

            current = fresh;
        }

        return (null, Problem.Conflict(ProblemCodes.Conflict, $"job {job.Id} kept changing while this request was applied; try again"));
    }

    /// <summary>
    /// The change that gives the job <paramref name="facts"/> (and <paramref name="amend"/>) and, when the core state
    /// must follow, takes <paramref name="transition"/>; a transition not possible from the state now is left out.
    /// </summary>
    public static JobChange Edit(
        Job job, IcosFacts facts, DateTimeOffset now, string message, JobTransition? transition = null, Func<JobStatus, JobStatus>? amend = null)
    {
        JobStatus Amend(JobStatus status) => facts.WriteTo(amend?.Invoke(status) ?? status);
        return transition is not null && transition.IsPossibleFrom(job.Status.State)
            ? job.Apply(transition, now, message, amend: Amend)
            : job.Amend(Amend, now, message);
    }

    /// <summary>The transition that ends a job whose deployment is gone: complete a running one, cancel a waiting one.</summary>
    public static JobTransition? Ending(Job job) => job.Status.State switch
    {
        JobState.Running or JobState.Canceling => JobTransitions.Complete,
        JobState.InQueue or JobState.Suspended => JobTransitions.Cancel,
        _ => null,
    };

    /// <summary>Every ICOS job of the caller's project (all projects for admins) that is not final, oldest first.</summary>
    public static async Task<List<Job>> ActiveAsync(Caller caller, IWharfStore store, CancellationToken ct)
    {
        var jobs = new List<Job>();
        string? next = null;
        do
        {
            var page = await store.Jobs.BrowseJobsAsync(new JobQuery
            {
                Project = caller.IsAdmin ? null : caller.Project ?? "",
                States = new HashSet<JobState> { JobState.InQueue, JobState.Running, JobState.Canceling, JobState.Suspended },
                Direction = SortDirection.Ascending,
                ItemsPerPage = 250,
                Next = next,
            }, ct);
            jobs.AddRange(page.Items.Where(j => IsIcos(j) && caller.CanSee(j) && !IcosFacts.Of(j).Deleted));
            next = page.Next;
        }
        while (next is not null);
        return jobs;
    }

    /// <summary>The group of each job, read once per group.</summary>
    public static async Task<Dictionary<string, JobGroup?>> GroupsOfAsync(IEnumerable<Job> jobs, IWharfStore store, CancellationToken ct)
    {
        var groups = new Dictionary<string, JobGroup?>(StringComparer.Ordinal);
        foreach (var id in jobs.Select(j => j.Specification.Group?.GroupId).OfType<string>().Distinct())
        {
            groups[id] = await store.Groups.GetGroupAsync(id, ct);
        }

        return groups;
    }

    public static string Short(string? text) => text is null ? "" : text.Length > 40 ? text[..40] + "…" : text;
}
