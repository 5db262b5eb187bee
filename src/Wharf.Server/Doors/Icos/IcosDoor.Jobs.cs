using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Wharf.Domain.Jobs;
using Wharf.Server.Api;
using Wharf.Server.Auth;
using Wharf.Server.Groups;
using Wharf.Server.Groups.Manifests;
using Wharf.Server.Problems;
using Wharf.Storage;

namespace Wharf.Server.Doors.Icos;

/// <summary>Jobs: list, get, update (agents' reports), delete.</summary>
internal static partial class IcosDoor
{
    private static async Task<IResult> ListJobsAsync(HttpContext http, [FromQuery] string? orchestrator, GroupService groups, IWharfStore store, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        if (!caller.IsAdmin && caller.Project is null)
        {
            return JobsApi.NoProject();
        }

        var jobs = new Dictionary<string, Job>(StringComparer.Ordinal);
        foreach (var view in await groups.ListAsync(caller, GroupKinds.Icos, 1000, ct))
        {
            foreach (var job in view.Jobs.Where(j => !IcosFacts.Of(j).Deleted))
            {
                jobs[job.Id] = job;
            }
        }

        // Jobs of deleted groups still waiting for their owners to remove the deployment.
        foreach (var job in await JobEdits.ActiveAsync(caller, store, ct))
        {
            jobs.TryAdd(job.Id, job);
        }

        var owners = await JobEdits.GroupsOfAsync(jobs.Values, store, ct);
        return TypedResults.Ok(new JsonArray([.. jobs.Values.OrderBy(j => long.Parse(j.Id, System.Globalization.CultureInfo.InvariantCulture))
            .Select(j => (JsonNode)IcosShapes.Job(j, owners.GetValueOrDefault(j.Specification.Group!.GroupId), orchestrator == IcosWire.Nuvla))]));
    }

    private static async Task<IResult> GetJobAsync(HttpContext http, string job_uuid, [FromQuery] string? orchestrator, IWharfStore store, CancellationToken ct)
    {
        var (job, missing) = await JobEdits.FindAsync(Caller.From(http.User), job_uuid, store, ct);
        return job is null ? missing! : TypedResults.Ok(await ShapeAsync(job, store, orchestrator == IcosWire.Nuvla, ct));
    }

    private static Task<IResult> UpdateJobAsync(
        HttpContext http, [FromQuery] string? id, [FromQuery] string? orchestrator, IWharfStore store, WharfServerOptions options, TimeProvider time, CancellationToken ct) =>
        ReportAsync(http, id, orchestrator, store, options, time, ct);

    private static Task<IResult> UpdateJobByPathAsync(
        HttpContext http, string job_uuid, [FromQuery] string? orchestrator, IWharfStore store, WharfServerOptions options, TimeProvider time, CancellationToken ct) =>
        ReportAsync(http, job_uuid, orchestrator, store, options, time, ct);

    /// <summary>An agent's (or user's) PUT of a job: its state, conditions, targets and manifests.</summary>
    private static async Task<IResult> ReportAsync(
        HttpContext http, string? id, string? orchestrator, IWharfStore store, WharfServerOptions options, TimeProvider time, CancellationToken ct)
    {
        if (orchestrator is not (null or "" or IcosWire.Ocm or IcosWire.Nuvla))
        {
            return Problem.Validation("orchestrator", "invalid_value", "orchestrator is ocm or nuvla");
        }

        var (body, problem) = await ReadObjectAsync(http, options, ct);
        if (body is null)
        {
            return problem!;
        }

        id ??= IcosWire.Text(body["id"]) ?? IcosWire.Text(body["ID"]);
        if (string.IsNullOrEmpty(id))
        {
            return Problem.Validation("id", "required", "Job UUID is required: send ?id= or the job's id in the body");
        }

        var caller = Caller.From(http.User);
        var (job, missing) = await JobEdits.FindAsync(caller, id, store, ct);
        if (job is null)
        {
            return missing!;
        }

        var nuvla = orchestrator == IcosWire.Nuvla;
        var (report, errors) = JobReport.Read(body, WharfTime(time), manifestsAllowed: !nuvla);
        if (report is null)
        {
            return Problem.Validation(errors);
        }

        var (saved, refusal) = await JobEdits.ChangeAsync(job, store, time, (current, now) => report.Decide(current, caller, now), ct);
        return saved is null ? refusal! : TypedResults.Ok(await ShapeAsync(saved, store, nuvla, ct));
    }

    /// <summary>
    /// Removes a job. Its owner (or anyone, while no agent took it) ends it at once and it leaves this door; a user
    /// removing a job an agent still runs gets the delete queued for that agent (DeleteDeployment / Created).
    /// </summary>
    private static async Task<IResult> DeleteJobAsync(HttpContext http, string job_uuid, IWharfStore store, TimeProvider time, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        var (job, missing) = await JobEdits.FindAsync(caller, job_uuid, store, ct);
        if (job is null)
        {
            return missing!;
        }

        var queued = false;
        var (_, refusal) = await JobEdits.ChangeAsync(job, store, time, (current, now) =>
        {
            var facts = IcosFacts.Of(current);
            queued = facts.Owner is not null && facts.Owner != caller.User && !caller.IsAdmin && !current.Status.State.IsFinal();
            return queued
                ? Undeploy(current, now, caller.User)
                : new Decision.Save(JobEdits.Edit(current, facts with { Type = IcosWire.DeleteDeployment, State = IcosWire.Finished, Deleted = true, UpdatedAt = now },
                    now, $"removed through the ICOS door by {caller.User}", JobEdits.Ending(current)));
        }, ct);
        return refusal ?? TypedResults.Ok(queued
            ? $"Job {job.Id}: delete requested; agent {IcosFacts.Of(job).Owner} removes the deployment"
            : $"Job {job.Id} deleted");
    }

    private static async Task<JsonObject> ShapeAsync(Job job, IWharfStore store, bool nuvla, CancellationToken ct, string? orchestrator = null)
    {
        var group = job.Specification.Group is { } member ? await store.Groups.GetGroupAsync(member.GroupId, ct) : null;
        return IcosShapes.Job(job, group, nuvla, orchestrator);
    }

    private static DateTimeOffset WharfTime(TimeProvider time) => Wharf.Domain.Serialization.WharfJson.ToMilliseconds(time.GetUtcNow());
}
