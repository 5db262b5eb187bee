using Microsoft.AspNetCore.Mvc;
using Wharf.Domain.Jobs;
using Wharf.Domain.Validation;
using Wharf.Server.Auth;
using Wharf.Server.Execution;
using Wharf.Server.Jobs;
using Wharf.Server.Problems;
using Wharf.Storage;

namespace Wharf.Server.Api;

/// <summary>
/// The native jobs API, UCloud's shapes: create (bulk), browse, retrieve, terminate, suspend, unsuspend, extend.
/// A user sees only their project's jobs; another project's job answers exactly as a missing one does.
/// </summary>
internal static class JobsApi
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var jobs = routes.MapGroup("/api/jobs").RequireAuthorization(Policies.JobsCaller).WithTags("Jobs");

        jobs.MapPost("", Create).WithName("CreateJobs")
            .WithSummary("Create 1–1000 jobs, all or none")
            .WithDescription("Admins pass ?project= to create jobs for a project. An Idempotency-Key header makes a retry return the same ids.")
            .ReadsBody<BulkRequest<JobSpecification>>("application/json")
            .Produces<BulkResponse<FindByStringId>>()
            .ProducesProblems(400, 401, 403, 409, 413);
        jobs.MapGet("/browse", Browse).WithName("BrowseJobs")
            .WithSummary("A page of jobs, filtered and sorted")
            .Produces<JobPage>()
            .ProducesProblems(400, 401, 403);
        jobs.MapGet("/retrieve", Retrieve).WithName("RetrieveJob")
            .WithSummary("One job with its history")
            .Produces<Job>()
            .ProducesProblems(400, 401, 403, 404);

        MapCommand<FindByStringId>(jobs.MapPost("/terminate", Terminate), "TerminateJobs", "Terminate jobs: queued ones end at once, running ones are stopped");
        MapCommand<FindByStringId>(jobs.MapPost("/suspend", Suspend), "SuspendJobs", "Suspend running jobs, releasing their capacity");
        MapCommand<FindByStringId>(jobs.MapPost("/unsuspend", Unsuspend), "UnsuspendJobs", "Put suspended jobs back in their queue");
        MapCommand<ExtendItem>(jobs.MapPost("/extend", Extend), "ExtendJobs", "Extend jobs' time allocations");
    }

    private static void MapCommand<T>(RouteHandlerBuilder endpoint, string name, string summary) =>
        endpoint.WithName(name).WithSummary(summary + "; all or none")
            .ReadsBody<BulkRequest<T>>("application/json")
            .Produces<BulkResponse<Nothing>>()
            .ProducesProblems(400, 401, 403, 404, 409, 413);

    private static Task<IResult> Terminate(HttpContext http, JobCommands commands, WharfServerOptions options, CancellationToken ct)
    {
        var user = Caller.From(http.User).User;
        return Command(http, commands, options, (job, _, now) => JobCommands.Terminate(job, now, user), ct);
    }

    private static Task<IResult> Suspend(HttpContext http, JobCommands commands, WharfServerOptions options, CancellationToken ct) =>
        Command(http, commands, options, (job, _, now) => JobCommands.Transition(job, JobTransitions.Suspend, now), ct);

    private static Task<IResult> Unsuspend(HttpContext http, JobCommands commands, WharfServerOptions options, CancellationToken ct) =>
        Command(http, commands, options, (job, _, now) => JobCommands.Unsuspend(job, now), ct);

    private static async Task<IResult> Create(
        HttpContext http, [FromQuery] string? project, JobSubmission submission, WharfServerOptions options, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        var (owner, denied) = OwnerFor(caller, project);
        if (owner is null)
        {
            return denied!;
        }

        if (!Identifiers.TryReadIdempotencyKey(http.Request, out var key))
        {
            return Identifiers.InvalidIdempotencyKey();
        }

        var (request, body, problem) = await RequestBody.ReadJsonAsync<BulkRequest<JobSpecification>>(http, options.MaxRequestBodyBytes, ct);
        return request is null ? problem! : await submission.SubmitAsync(caller, owner, body!, request, key, ct);
    }

    private static async Task<IResult> Browse(
        HttpContext http, [AsParameters] BrowseRequest parameters, IWharfStore store, ExecutionIndex index, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        if (!caller.IsAdmin && caller.Project is null)
        {
            return NoProject();
        }

        var (query, errors) = parameters.ToQuery(caller);
        if (query is null)
        {
            return Problem.Validation(errors);
        }

        try
        {
            // A waiting job's reason is the scheduler's latest word on it, kept in memory rather than written per pass.
            var page = await store.Jobs.BrowseJobsAsync(query, ct);
            return TypedResults.Ok(page with { Items = [.. page.Items.Select(index.WithWaitingReason)] });
        }
        catch (InvalidPageTokenException e)
        {
            return Problem.Validation("next", "invalid_token", e.Message);
        }
    }

    private static async Task<IResult> Retrieve(HttpContext http, [FromQuery] string? id, IWharfStore store, ExecutionIndex index, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        if (!caller.IsAdmin && caller.Project is null)
        {
            return NoProject();
        }

        if (string.IsNullOrEmpty(id))
        {
            return Problem.Validation("id", "required", "id names the job to retrieve");
        }

        var job = Identifiers.IsJobId(id) ? await store.Jobs.GetJobAsync(id, ct) : null;
        return job is not null && caller.CanSee(job)
            ? TypedResults.Ok(index.WithWaitingReason(job))
            : Problem.NotFound($"there is no job '{Shorten(id)}'", [new("id", ProblemCodes.NotFound, $"there is no job '{Shorten(id)}'")]);
    }

    private static async Task<IResult> Command(HttpContext http, JobCommands commands, WharfServerOptions options, JobDecision decide, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        if (!caller.IsAdmin && caller.Project is null)
        {
            return NoProject();
        }

        var (request, _, problem) = await RequestBody.ReadJsonAsync<BulkRequest<FindByStringId>>(http, options.MaxRequestBodyBytes, ct);
        if (request is null)
        {
            return problem!;
        }

        if (CheckItems(request.Items) is { } invalid)
        {
            return invalid;
        }

        var ids = request.Items!.Select(item => item?.Id).ToList();
        if (JobCommands.CheckIds(ids, "id") is { } badIds)
        {
            return badIds;
        }

        return await commands.ApplyAsync(caller, ids!, "id", decide, ct);
    }

    private static async Task<IResult> Extend(HttpContext http, JobCommands commands, WharfServerOptions options, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        if (!caller.IsAdmin && caller.Project is null)
        {
            return NoProject();
        }

        var (request, _, problem) = await RequestBody.ReadJsonAsync<BulkRequest<ExtendItem>>(http, options.MaxRequestBodyBytes, ct);
        if (request is null)
        {
            return problem!;
        }

        if (CheckItems(request.Items) is { } invalid)
        {
            return invalid;
        }

        var items = request.Items!;
        var ids = items.Select(item => item?.JobId).ToList();
        if (JobCommands.CheckIds(ids, "jobId") is { } badIds)
        {
            return badIds;
        }

        var errors = new List<ValidationError>();
        for (var i = 0; i < items.Count; i++)
        {
            var requested = items[i]!.RequestedTime;
            var total = requested?.TotalSecondsOrNull();
            if (requested is null)
            {
                errors.Add(new($"items[{i}].requestedTime", "required", "requestedTime {hours, minutes, seconds} is required"));
            }
            else if (requested.Hours < 0 || requested.Minutes < 0 || requested.Seconds < 0 || total is null or <= 0 or > JobCommands.MaxAllocationSeconds)
            {
                errors.Add(new($"items[{i}].requestedTime", "out_of_range", "requestedTime is positive, without negative parts, and under 100 years"));
            }
        }

        if (errors.Count > 0)
        {
            return Problem.Validation(errors);
        }

        return await commands.ApplyAsync(caller, ids!, "jobId", (job, index, now) => JobCommands.Extend(job, items[index]!.RequestedTime!, now), ct);
    }

    private static ProblemResult? CheckItems<T>(IReadOnlyList<T?>? items)
    {
        if (items is not { Count: >= 1 and <= JobSubmission.MaxItems })
        {
            return Problem.Validation("items", items is null ? "required" : "out_of_range",
                $"a request holds 1 to {JobSubmission.MaxItems} items; this one holds {items?.Count ?? 0}");
        }

        var nulls = Enumerable.Range(0, items.Count).Where(i => items[i] is null)
            .Select(i => new ValidationError($"items[{i}]", "required", "an item may not be null")).ToList();
        return nulls.Count > 0 ? Problem.Validation(nulls) : null;
    }

    /// <summary>
    /// The owner of jobs created by this caller: a user acts for their token's project; an admin for the project
    /// named by <c>?project=</c> (or their token's, if it names one).
    /// </summary>
    internal static (Owner? Owner, ProblemResult? Denied) OwnerFor(Caller caller, string? project)
    {
        if (project is not null && !Identifiers.IsPrincipalName(project))
        {
            return (null, Problem.Validation("project", "invalid_value", "project is 1–128 letters, digits and . _ @ -"));
        }

        if (caller.IsAdmin)
        {
            return (project ?? caller.Project) is { } chosen
                ? (new Owner(caller.User, chosen), null)
                : (null, Problem.Forbidden("jobs belong to a project and this admin token names none; pass ?project=NAME"));
        }

        if (caller.Project is null)
        {
            return (null, NoProject());
        }

        return project is null || project == caller.Project
            ? (new Owner(caller.User, caller.Project), null)
            : (null, Problem.Forbidden($"this token acts for project '{caller.Project}' only"));
    }

    internal static ProblemResult NoProject() =>
        Problem.Forbidden("this token names no project, and jobs belong to a project; ask an admin for a token with one");

    private static string Shorten(string text) => text.Length > 40 ? text[..40] + "…" : text;
}
