using Microsoft.AspNetCore.Mvc;
using Wharf.Domain.Jobs;
using Wharf.Server.Auth;
using Wharf.Server.Execution;
using Wharf.Server.Problems;
using Wharf.Storage;

namespace Wharf.Server.Api;

/// <summary>
/// What the jobs API offers once jobs run: why a job waits (<c>explain</c>), its logs, a live follow stream, and
/// moving a waiting job in its queue. Scoped like every job read: another project's job answers 404.
/// </summary>
internal static class JobExecutionApi
{
    private const int DefaultLogLines = 1000;
    private const int MaxLogLines = 10_000;

    public static void Map(IEndpointRouteBuilder routes)
    {
        var jobs = routes.MapGroup("/api/jobs").RequireAuthorization(Policies.JobsCaller).WithTags("Jobs");
        jobs.MapGet("/explain", Explain).WithName("ExplainJob")
            .WithSummary("Why a job waits: its place in its queue, the scheduler's reason, and how many nodes failed each constraint")
            .Produces<JobExplanationResponse>();
        jobs.MapGet("/logs", Logs).WithName("JobLogs")
            .WithSummary("Lines of one rank's stream (stdout by default), from a line number on")
            .Produces<JobLogsResponse>();
        jobs.MapGet("/follow", Follow).WithName("FollowJob")
            .WithSummary("Server-sent events: the job, its stored log lines from the first, then every change and line as it happens")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream");
        jobs.MapPost("/move", Move).WithName("MoveJob")
            .WithSummary("Move a waiting job to the front or back of its queue, or before or after another job")
            .Produces<MoveJobResponse>();
    }

    private static async Task<IResult> Explain(HttpContext http, [FromQuery] string? id, IWharfStore store, ExecutionIndex index, CancellationToken ct)
    {
        var (job, problem) = await FindAsync(http, id, "id", store, ct);
        if (job is null)
        {
            return problem!;
        }

        var status = job.Status;
        if (status.State == JobState.InQueue && index.Explain(job.Id) is { } waiting)
        {
            return TypedResults.Ok(new JobExplanationResponse(job.Id, status.State, waiting.Queue, waiting.JobsAhead, waiting.Reason, waiting.NodesConsidered, waiting.Failures));
        }

        return TypedResults.Ok(new JobExplanationResponse(job.Id, status.State, status.Queue, null, status.Reason, null, null));
    }

    private static async Task<IResult> Logs(
        HttpContext http,
        [FromQuery] string? id,
        [FromQuery] int? rank,
        [FromQuery] string? stream,
        [FromQuery] long? offset,
        [FromQuery] int? limit,
        IWharfStore store,
        JobLogs logs,
        CancellationToken ct)
    {
        var errors = new List<Domain.Validation.ValidationError>();
        if (rank is < 0)
        {
            errors.Add(new("rank", "out_of_range", "rank is 0 or more"));
        }

        if (stream is not null && !JobLogs.IsStreamName(stream))
        {
            errors.Add(new("stream", "invalid_value", "stream is stdout, stderr or another name of 1–32 of a-z 0-9 _ . -"));
        }

        if (offset is < 0)
        {
            errors.Add(new("offset", "out_of_range", "offset is a line number, 0 or more"));
        }

        if (limit is < 1 or > MaxLogLines)
        {
            errors.Add(new("limit", "out_of_range", $"limit is 1 to {MaxLogLines} lines"));
        }

        if (errors.Count > 0)
        {
            return Problem.Validation(errors);
        }

        var (job, problem) = await FindAsync(http, id, "id", store, ct);
        if (job is null)
        {
            return problem!;
        }

        var page = logs.Read(job.Id, rank ?? 0, stream ?? "stdout", offset ?? 0, limit ?? DefaultLogLines);
        var streams = logs.StreamsOf(job.Id).Select(s => new LogStreamName(s.Rank, s.Stream)).ToList();
        return TypedResults.Ok(new JobLogsResponse(
            job.Id, rank ?? 0, stream ?? "stdout", page.First, page.Next,
            [.. page.Lines.Select(l => new LogLineResponse(l.Rank, l.Stream, l.Line, l.Text, l.Timestamp))], streams));
    }

    private static async Task Follow(HttpContext http, [FromQuery] string? id, IWharfStore store, JobFollow follow, IHostApplicationLifetime lifetime, CancellationToken ct)
    {
        var (job, problem) = await FindAsync(http, id, "id", store, ct);
        if (job is null)
        {
            await problem!.ExecuteAsync(http);
            return;
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, lifetime.ApplicationStopping);
        try
        {
            await follow.StreamAsync(http.Response, job, token => store.Jobs.GetJobAsync(job.Id, token), linked.Token);
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            // The follower hung up, or the server stops.
        }
    }

    private static async Task<IResult> Move(HttpContext http, IWharfStore store, QueueMoves moves, WharfServerOptions options, CancellationToken ct)
    {
        var (request, _, bodyProblem) = await RequestBody.ReadJsonAsync<MoveJobRequest>(http, options.MaxRequestBodyBytes, ct);
        if (request is null)
        {
            return bodyProblem!;
        }

        QueueMoves.Target? target = request.To?.ToLowerInvariant() switch
        {
            "front" => QueueMoves.Target.Front,
            "back" => QueueMoves.Target.Back,
            "before" => QueueMoves.Target.Before,
            "after" => QueueMoves.Target.After,
            _ => null,
        };
        var errors = new List<Domain.Validation.ValidationError>();
        if (target is null)
        {
            errors.Add(new("to", request.To is null ? "required" : "invalid_value", "to is front, back, before or after"));
        }

        var relative = target is QueueMoves.Target.Before or QueueMoves.Target.After;
        if (relative && string.IsNullOrEmpty(request.OtherId))
        {
            errors.Add(new("otherId", "required", "before and after name the other job in otherId"));
        }
        else if (relative && request.OtherId == request.Id)
        {
            errors.Add(new("otherId", "invalid_value", "a job cannot move before or after itself"));
        }

        if (string.IsNullOrEmpty(request.Id))
        {
            errors.Add(new("id", "required", "id names the job to move"));
        }

        if (errors.Count > 0)
        {
            return Problem.Validation(errors);
        }

        var (job, problem) = await FindAsync(http, request.Id, "id", store, ct);
        if (job is null)
        {
            return problem!;
        }

        Job? other = null;
        if (relative)
        {
            (other, problem) = await FindAsync(http, request.OtherId, "otherId", store, ct);
            if (other is null)
            {
                return problem!;
            }
        }

        return await moves.MoveAsync(job, target!.Value, other, ct) switch
        {
            QueueMoves.Outcome.Moved moved => TypedResults.Ok(new MoveJobResponse(job.Id, moved.Queue, moved.Priority)),
            QueueMoves.Outcome.NotWaiting notWaiting => Problem.Conflict(ProblemCodes.InvalidTransition,
                $"job {notWaiting.JobId} does not wait in a queue (only IN_QUEUE jobs not yet placed have a place to move)",
                [new(notWaiting.JobId == job.Id ? "id" : "otherId", ProblemCodes.InvalidTransition, $"job {notWaiting.JobId} does not wait")]),
            QueueMoves.Outcome.OtherQueue otherQueue => Problem.Validation("otherId", "other_queue",
                $"job {other!.Id} waits in queue '{otherQueue.Queue}', not in '{job.Status.Queue}'"),
            _ => Problem.Conflict(ProblemCodes.Conflict, "the queue kept changing while the job was moved; nothing was changed, try again"),
        };
    }

    /// <summary>The job, if the caller may see it; otherwise the same 404 a missing job gets.</summary>
    internal static async Task<(Job? Job, ProblemResult? Problem)> FindAsync(HttpContext http, string? id, string field, IWharfStore store, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        if (!caller.IsAdmin && caller.Project is null)
        {
            return (null, Problem.Forbidden("this token names no project, and jobs belong to a project; ask an admin for a token with one"));
        }

        if (string.IsNullOrEmpty(id))
        {
            return (null, Problem.Validation(field, "required", $"{field} names a job"));
        }

        var job = Identifiers.IsJobId(id) ? await store.Jobs.GetJobAsync(id, ct) : null;
        if (job is null || !caller.CanSee(job))
        {
            var shown = id.Length > 40 ? id[..40] + "…" : id;
            return (null, Problem.NotFound($"there is no job '{shown}'", [new(field, ProblemCodes.NotFound, $"there is no job '{shown}'")]));
        }

        return (job, null);
    }
}
