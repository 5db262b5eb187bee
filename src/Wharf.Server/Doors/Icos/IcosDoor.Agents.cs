using System.Text.Json.Nodes;
using Wharf.Domain.Jobs;
using Wharf.Server.Api;
using Wharf.Server.Auth;
using Wharf.Server.Problems;
using Wharf.Storage;

namespace Wharf.Server.Doors.Icos;

/// <summary>What agents call: executable jobs, promote, resource status.</summary>
internal static partial class IcosDoor
{
    private static Task<IResult> ExecutableForCallerAsync(HttpContext http, string orchestrator, IWharfStore store, TimeProvider time, CancellationToken ct) =>
        ExecutableAsync(http, orchestrator, Caller.From(http.User).User, store, time, ct);

    /// <summary>
    /// The job manager's four rules, for agent <paramref name="owner_id"/> of <paramref name="orchestrator"/>:
    /// (1) CreateDeployment / Created, unowned; (2) CreateDeployment / Progressing or Degraded, owned by another agent
    /// that has not reported for 300 s; (3) UpdateDeployment / Created and (4) DeleteDeployment / Created, owned by
    /// the caller. Unlike the original, ReplaceDeployment / Created owned by the caller is returned too, or a
    /// re-submitted group would never reach its agents.
    /// </summary>
    private static async Task<IResult> ExecutableAsync(HttpContext http, string orchestrator, string owner_id, IWharfStore store, TimeProvider time, CancellationToken ct)
    {
        if (!IcosWire.IsOrchestrator(orchestrator))
        {
            return Problem.Validation("orchestrator", "invalid_value", $"Orchestrator type is required: ocm or nuvla, not '{JobEdits.Short(orchestrator)}'");
        }

        var caller = Caller.From(http.User);
        if (!caller.IsAdmin && owner_id != caller.User)
        {
            return Problem.Forbidden($"this token acts for '{caller.User}', not for agent '{JobEdits.Short(owner_id)}'");
        }

        if (!caller.IsAdmin && caller.Project is null)
        {
            return JobsApi.NoProject();
        }

        var now = WharfTime(time);
        var jobs = (await JobEdits.ActiveAsync(caller, store, ct))
            .Where(j => j.Specification.Orchestrator == orchestrator || j.Specification.Orchestrator == "any")
            .Where(j => IsExecutable(IcosFacts.Of(j), owner_id, now))
            .ToList();
        var groups = await JobEdits.GroupsOfAsync(jobs, store, ct);
        return TypedResults.Ok(new JsonArray([.. jobs.Select(j =>
            (JsonNode)IcosShapes.Job(j, groups.GetValueOrDefault(j.Specification.Group!.GroupId), orchestrator == IcosWire.Nuvla, orchestrator))]));
    }

    private static bool IsExecutable(IcosFacts facts, string owner, DateTimeOffset now) => (facts.Type, facts.State) switch
    {
        (IcosWire.CreateDeployment, IcosWire.Created) => facts.Owner is null || facts.Owner == owner,
        (IcosWire.CreateDeployment, IcosWire.Progressing or IcosWire.Degraded) => facts.Owner != owner && JobReport.IsStale(facts, now),
        (IcosWire.UpdateDeployment or IcosWire.DeleteDeployment or IcosWire.ReplaceDeployment, IcosWire.Created) => facts.Owner == owner,
        _ => false,
    };

    /// <summary>
    /// Takes a job for the agent <c>owner_id</c> (Created → Progressing), under compare-and-set: of two agents
    /// promoting one job, one gets 204 and the other, deciding again on the saved job, 409. A job whose owner's lease
    /// lapsed (rule 2) may be promoted too. Repeating one's own promote is 204.
    /// </summary>
    private static async Task<IResult> PromoteAsync(HttpContext http, string job_uuid, IWharfStore store, WharfServerOptions options, TimeProvider time, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        var (job, missing) = await JobEdits.FindAsync(caller, job_uuid, store, ct);
        if (job is null)
        {
            return missing!;
        }

        var (body, problem) = await ReadObjectAsync(http, options, ct);
        if (body is null)
        {
            return problem!;
        }

        if (IcosWire.Text(body["owner_id"]) is not { Length: > 0 } owner)
        {
            return Problem.Validation("owner_id", "required", "owner_id names the agent taking the job");
        }

        if (!caller.IsAdmin && owner != caller.User)
        {
            return Problem.Forbidden($"this token acts for '{caller.User}', not for agent '{JobEdits.Short(owner)}'");
        }

        var (_, refusal) = await JobEdits.ChangeAsync(job, store, time, (current, now) =>
        {
            var facts = IcosFacts.Of(current);
            if (facts.Owner == owner && facts.State == IcosWire.Progressing)
            {
                return new Decision.Keep();
            }

            var free = facts.State == IcosWire.Created && (facts.Owner is null || facts.Owner == owner)
                || (facts.Type == IcosWire.CreateDeployment && facts.State is IcosWire.Progressing or IcosWire.Degraded && JobReport.IsStale(facts, now));
            if (!free || current.Status.State.IsFinal())
            {
                return new Decision.Refuse(Problem.Conflict(ProblemCodes.Conflict,
                    $"job {current.Id} cannot be promoted: it is in state {facts.State} owned by '{facts.Owner ?? ""}'"));
            }

            return new Decision.Save(JobEdits.Edit(current, facts with { Owner = owner, State = IcosWire.Progressing, UpdatedAt = now },
                now, $"promoted by ICOS agent {owner}", JobTransitions.Start));
        }, ct);
        return refusal ?? TypedResults.NoContent();
    }

    private static async Task<IResult> PutResourceStatusAsync(HttpContext http, IWharfStore store, WharfServerOptions options, TimeProvider time, CancellationToken ct)
    {
        var (body, problem) = await ReadObjectAsync(http, options, ct);
        if (body is null)
        {
            return problem!;
        }

        if ((IcosWire.Text(body["job_id"]) ?? IcosWire.Text(body["id"])) is not { Length: > 0 } id)
        {
            return Problem.Validation("job_id", "required", "job_id names the job whose resource this is");
        }

        var caller = Caller.From(http.User);
        var (job, missing) = await JobEdits.FindAsync(caller, id, store, ct);
        if (job is null)
        {
            return missing!;
        }

        body.Remove("state");
        var (report, errors) = JobReport.Read(body, WharfTime(time), manifestsAllowed: false);
        if (report is null)
        {
            return Problem.Validation(errors);
        }

        var (saved, refusal) = await JobEdits.ChangeAsync(job, store, time, (current, now) =>
            IcosFacts.Of(current).Owner is { } owner && owner != caller.User && !caller.IsAdmin
                ? new Decision.Refuse(Problem.Conflict(ProblemCodes.Conflict, $"job {current.Id} is owned by agent '{owner}'"))
                : report.Decide(current, caller, now), ct);
        return saved is null ? refusal! : TypedResults.Ok(IcosShapes.Resource(saved));
    }

    private static async Task<IResult> GetResourceStatusAsync(HttpContext http, string job_uuid, IWharfStore store, CancellationToken ct)
    {
        var (job, missing) = await JobEdits.FindAsync(Caller.From(http.User), job_uuid, store, ct);
        return job is null ? missing! : TypedResults.Ok(IcosShapes.Resource(job));
    }
}
