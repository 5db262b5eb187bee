using Microsoft.AspNetCore.Mvc;
using Wharf.Domain.Agents;
using Wharf.Domain.Validation;
using Wharf.Server.Auth;
using Wharf.Server.Execution;
using Wharf.Server.Problems;

namespace Wharf.Server.Api;

/// <summary>
/// The agent protocol (agent tokens only): register, heartbeat, the long poll for work, task reports and logs. An
/// agent acts only as itself (the agent its token's principal registered) and reports only on ranks placed on its
/// own nodes. A server that does not know the agent, or whose lease on it lapsed, answers <c>404 unknown_agent</c>,
/// and the agent registers again.
/// </summary>
internal static class AgentApi
{
    private const int MaxReports = 10_000;

    public static void Map(IEndpointRouteBuilder routes)
    {
        var agent = routes.MapGroup("/api/agent")
            .RequireAuthorization(policy => policy.AddAuthenticationSchemes(BearerTokenHandler.SchemeName).RequireRole(Roles.Agent))
            .WithTags("Agents");
        agent.MapPost("/register", Register).WithName("RegisterAgent")
            .WithSummary("Register an agent and its nodes; reconcile the tasks it took back after a restart")
            .Produces<RegisterAgentResponse>();
        agent.MapPost("/heartbeat", Heartbeat).WithName("AgentHeartbeat")
            .WithSummary("Renew the agent's lease on its placements").Produces(StatusCodes.Status204NoContent);
        agent.MapGet("/work", Work).WithName("AgentWork")
            .WithSummary("Long poll: ranks to start and stop, answered as soon as there are some (or empty after waitMs)")
            .Produces<AgentWork>();
        agent.MapPost("/events", Events).WithName("AgentEvents")
            .WithSummary("Report what happened to ranks, in order; repeats change nothing").Produces(StatusCodes.Status204NoContent);
        agent.MapPost("/logs", Logs).WithName("AgentLogs")
            .WithSummary("Upload ranks' log lines, in order per rank and stream").Produces(StatusCodes.Status204NoContent);
    }

    private static async Task<IResult> Register(HttpContext http, AgentLeases leases, WharfServerOptions options, CancellationToken ct)
    {
        var (request, _, problem) = await RequestBody.ReadJsonAsync<RegisterAgentRequest>(http, options.MaxRequestBodyBytes, ct);
        if (request is null)
        {
            return problem!;
        }

        if (AgentLeases.Validate(request) is { Count: > 0 } errors)
        {
            return Problem.Validation(errors);
        }

        var (response, refusal) = await leases.RegisterAsync(Caller.From(http.User).User, request, ct);
        return response is not null ? TypedResults.Ok(response) : Refuse(refusal!.Value, request.AgentId ?? "");
    }

    private static async Task<IResult> Heartbeat(HttpContext http, AgentLeases leases, WharfServerOptions options, CancellationToken ct)
    {
        var (heartbeat, _, problem) = await RequestBody.ReadJsonAsync<AgentHeartbeat>(http, options.MaxRequestBodyBytes, ct);
        if (heartbeat is null)
        {
            return problem!;
        }

        if (string.IsNullOrEmpty(heartbeat.AgentId))
        {
            return Problem.Validation("agentId", "required", "agentId names the agent");
        }

        return await leases.HeartbeatAsync(Caller.From(http.User).User, heartbeat.AgentId, ct) is { } refusal
            ? Refuse(refusal, heartbeat.AgentId)
            : TypedResults.NoContent();
    }

    private static async Task<IResult> Work(
        HttpContext http,
        [FromQuery] string? agentId,
        [FromQuery] long? waitMs,
        AgentLeases leases,
        AgentWorkSource work,
        IHostApplicationLifetime lifetime,
        CancellationToken ct)
    {
        if (string.IsNullOrEmpty(agentId))
        {
            return Problem.Validation("agentId", "required", "agentId names the agent");
        }

        if (waitMs is < 0)
        {
            return Problem.Validation("waitMs", "out_of_range", "waitMs is 0 or more");
        }

        if (await leases.CheckAsync(Caller.From(http.User).User, agentId, ct) is { } refusal)
        {
            return Refuse(refusal, agentId);
        }

        // The wait ends when the server stops, so that shutting down is not held up by idle agents.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, lifetime.ApplicationStopping);
        var answer = await work.WaitAsync(agentId, TimeSpan.FromMilliseconds(Math.Min(waitMs ?? 0, int.MaxValue)), linked.Token);
        return answer is null ? Refuse(AgentLeases.Refusal.UnknownAgent, agentId) : TypedResults.Ok(answer);
    }

    private static async Task<IResult> Events(HttpContext http, AgentLeases leases, AgentReports reports, WharfServerOptions options, CancellationToken ct)
    {
        var (request, _, problem) = await RequestBody.ReadJsonAsync<AgentEvents>(http, options.MaxRequestBodyBytes, ct);
        if (request is null)
        {
            return problem!;
        }

        var errors = new List<ValidationError>();
        if (string.IsNullOrEmpty(request.AgentId))
        {
            errors.Add(new("agentId", "required", "agentId names the agent"));
        }

        if (request.Events is not { Count: <= MaxReports } events)
        {
            errors.Add(new("events", request.Events is null ? "required" : "out_of_range", $"a request holds up to {MaxReports} events"));
        }
        else
        {
            for (var i = 0; i < events.Count; i++)
            {
                if (events[i] is not { JobId: { Length: > 0 } } report || !Identifiers.IsJobId(report.JobId) || report.Rank < 0)
                {
                    errors.Add(new($"events[{i}]", "invalid_value", "an event names a job id and a rank (0 or more)"));
                }
            }
        }

        if (errors.Count > 0)
        {
            return Problem.Validation(errors);
        }

        if (await leases.CheckAsync(Caller.From(http.User).User, request.AgentId, ct) is { } refusal)
        {
            return Refuse(refusal, request.AgentId);
        }

        var outcome = await reports.ApplyAsync(request.AgentId, request.Events!, ct);
        if (outcome.Refused.Count > 0)
        {
            return Problem.Create(StatusCodes.Status403Forbidden, ProblemCodes.Forbidden,
                "an agent reports only on ranks placed on its own nodes; the other events were applied", outcome.Refused);
        }

        return outcome.Unsaved
            ? Problem.Conflict(ProblemCodes.Conflict, "some jobs kept changing while the events were applied; send them again")
            : TypedResults.NoContent();
    }

    private static async Task<IResult> Logs(
        HttpContext http, AgentLeases leases, ExecutionIndex index, JobLogs logs, WharfServerOptions options, Storage.IWharfStore store, CancellationToken ct)
    {
        var (request, _, problem) = await RequestBody.ReadJsonAsync<AgentLogs>(http, options.MaxRequestBodyBytes, ct);
        if (request is null)
        {
            return problem!;
        }

        var errors = new List<ValidationError>();
        if (string.IsNullOrEmpty(request.AgentId))
        {
            errors.Add(new("agentId", "required", "agentId names the agent"));
        }

        var lines = request.Lines ?? [];
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i] is not { } line || !Identifiers.IsJobId(line.JobId) || line.Rank < 0 || !JobLogs.IsStreamName(line.Stream))
            {
                errors.Add(new($"lines[{i}]", "invalid_value", "a line names a job id, a rank (0 or more) and a stream (1–32 of a-z 0-9 _ . -)"));
            }
        }

        if (errors.Count > 0)
        {
            return Problem.Validation(errors);
        }

        if (await leases.CheckAsync(Caller.From(http.User).User, request.AgentId, ct) is { } refusal)
        {
            return Refuse(refusal, request.AgentId);
        }

        var refused = new List<ValidationError>();
        foreach (var group in lines.Select((line, i) => (line, i)).GroupBy(l => (l.line.JobId, l.line.Rank, l.line.Stream)))
        {
            var (jobId, rank, stream) = group.Key;
            var job = index.FindPlaced(jobId) ?? await store.Jobs.GetJobAsync(jobId, ct);
            if (job is null || !index.Holds(request.AgentId, job, rank))
            {
                refused.Add(new($"lines[{group.First().i}]", "forbidden", $"job {jobId} rank {rank} is not placed on this agent's nodes"));
                continue;
            }

            logs.Append(jobId, rank, stream, [.. group.Select(l => (l.line.Text, l.line.Timestamp))]);
        }

        return refused.Count > 0
            ? Problem.Create(StatusCodes.Status403Forbidden, ProblemCodes.Forbidden, "an agent uploads logs only of ranks placed on its own nodes; the other lines were stored", refused)
            : TypedResults.NoContent();
    }

    private static ProblemResult Refuse(AgentLeases.Refusal refusal, string agentId) => refusal == AgentLeases.Refusal.Forbidden
        ? Problem.Forbidden($"agent '{agentId}' was registered with another principal's token")
        : Problem.Create(StatusCodes.Status404NotFound, ProblemCodes.UnknownAgent, $"there is no active agent '{agentId}'; register again");
}
