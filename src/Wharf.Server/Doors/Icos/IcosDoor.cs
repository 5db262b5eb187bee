using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Wharf.Domain.Validation;
using Wharf.Server.Api;
using Wharf.Server.Auth;
using Wharf.Server.Groups;
using Wharf.Server.Groups.Manifests;
using Wharf.Server.Problems;

namespace Wharf.Server.Doors.Icos;

/// <summary>
/// The ICOS job manager door, <c>/jobmanager/…</c>: application descriptors become job groups whose jobs ICOS agents
/// (OCM, Nuvla) pull, promote and report on, in the job manager's routes and wire values. It only translates: the
/// groups are <see cref="GroupService"/>'s, the jobs ordinary Wharf jobs (their ICOS fields in the door state), so the
/// native API sees and controls them too. Unlike the original, every route but healthz needs a Wharf token, users
/// see only their projects, and an agent only its own work. Errors are RFC 9457 problems naming the fault.
/// </summary>
internal static partial class IcosDoor
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/jobmanager/healthz", () => TypedResults.Ok("ok")).AllowAnonymous().WithTags("ICOS");
        TokenEndpoint.Map(routes);

        var door = routes.MapGroup("/jobmanager").RequireAuthorization(Policies.JobsCaller).WithTags("ICOS");
        door.MapPost("/groups", CreateGroupAsync).WithName("IcosCreateGroup").WithSummary("Create a job group from an ICOS application descriptor (YAML body)");
        door.MapGet("/groups", ListGroupsAsync).WithName("IcosListGroups").WithSummary("The ICOS groups of the caller's project");
        door.MapPut("/groups", UpdateGroupAsync).WithName("IcosUpdateGroup").WithSummary("Re-submit a group (JobGroup JSON with id): every job back to Created");
        door.MapGet("/groups/{group_uuid}", GetGroupAsync).WithName("IcosGetGroup");
        door.MapDelete("/groups/{group_uuid}", DeleteGroupAsync).WithName("IcosDeleteGroup");
        door.MapPut("/groups/undeploy/{group_uuid}", UndeployGroupAsync).WithName("IcosUndeployGroup");

        door.MapGet("/jobs", ListJobsAsync).WithName("IcosListJobs");
        door.MapPut("/jobs", UpdateJobAsync).WithName("IcosUpdateJob").WithSummary("Update a job (whole Job JSON; ?id=&orchestrator=nuvla for the Nuvla agent)");
        door.MapPut("/jobs/{job_uuid}", UpdateJobByPathAsync).WithName("IcosUpdateJobByPath").WithSummary("The older form: {ID, uuid, locker, state}");
        door.MapGet("/jobs/{job_uuid}", GetJobAsync).WithName("IcosGetJob");
        door.MapDelete("/jobs/{job_uuid}", DeleteJobAsync).WithName("IcosDeleteJob");
        door.MapGet("/jobs/executable/{orchestrator}/{owner_id}", ExecutableAsync).WithName("IcosExecutable")
            .WithSummary("Jobs for this orchestrator and agent to execute now");
        door.MapGet("/jobs/executable/orchestrator/{orchestrator}", ExecutableForCallerAsync).WithName("IcosExecutableOlder")
            .WithSummary("The older form: jobs for the calling agent");
        door.MapPatch("/jobs/promote/{job_uuid}", PromoteAsync).WithName("IcosPromote").WithSummary("Take a job {owner_id}: 204, or 409 when another agent has it");
        door.MapPut("/resources/status", PutResourceStatusAsync).WithName("IcosPutResourceStatus");
        door.MapGet("/resources/status/{job_uuid}", GetResourceStatusAsync).WithName("IcosGetResourceStatus");
        door.MapPost("/policies/incompliance", IncomplianceAsync).WithName("IcosIncompliance")
            .WithSummary("A policy incompliance: the job's owner pulls the remediation as an UpdateDeployment");
    }

    private static async Task<IResult> CreateGroupAsync(
        HttpContext http, [FromQuery] string? project, GroupService groups, WharfServerOptions options, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        var (owner, denied) = JobsApi.OwnerFor(caller, project);
        if (owner is null)
        {
            return denied!;
        }

        if (!Identifiers.TryReadIdempotencyKey(http.Request, out var key))
        {
            return Identifiers.InvalidIdempotencyKey();
        }

        var (body, problem) = await RequestBody.ReadAsync(http, options.MaxRequestBodyBytes, ct);
        if (body is null)
        {
            return problem!;
        }

        var text = DescriptorText(body);
        var (manifest, errors) = GroupManifests.Read(GroupKinds.Icos, text, null, null, null, "");
        if (manifest is null)
        {
            return Unprocessable(errors);
        }

        var outcome = await groups.CreateAsync(owner, manifest, text, null, key, null, ct);
        return GroupResult(outcome, StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListGroupsAsync(HttpContext http, GroupService groups, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        if (!caller.IsAdmin && caller.Project is null)
        {
            return JobsApi.NoProject();
        }

        var views = await groups.ListAsync(caller, GroupKinds.Icos, 1000, ct);
        return TypedResults.Ok(new JsonArray([.. views.Select(v => (JsonNode)IcosShapes.Group(v))]));
    }

    private static async Task<IResult> GetGroupAsync(HttpContext http, string group_uuid, GroupService groups, CancellationToken ct) =>
        GroupResult(await FindGroupAsync(Caller.From(http.User), group_uuid, groups, ct));

    /// <summary>The descriptor's text: the body as sent, or the string it holds when a client JSON-encoded it.</summary>
    private static string DescriptorText(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body);
        if (text.TrimStart().StartsWith('"'))
        {
            try
            {
                return JsonSerializer.Deserialize<string>(text) ?? text;
            }
            catch (JsonException)
            {
                return text;
            }
        }

        return text;
    }

    /// <summary>Reads the body as one JSON object; a 400 naming the fault when it is not.</summary>
    private static async Task<(JsonObject? Body, IResult? Problem)> ReadObjectAsync(HttpContext http, WharfServerOptions options, CancellationToken ct)
    {
        var (body, problem) = await RequestBody.ReadAsync(http, options.MaxRequestBodyBytes, ct);
        if (body is null)
        {
            return (null, problem);
        }

        try
        {
            return JsonNode.Parse(body) is JsonObject obj
                ? (obj, null)
                : (null, Problem.Validation("body", "invalid_value", "the body must be a JSON object"));
        }
        catch (JsonException e)
        {
            return (null, Problem.MalformedJson(new ValidationError("body", ProblemCodes.MalformedJson, $"the body is not JSON: {e.Message}")));
        }
    }

    private static async Task<GroupOutcome> FindGroupAsync(Caller caller, string id, GroupService groups, CancellationToken ct)
    {
        var outcome = await groups.GetAsync(caller, id, ct);
        return outcome is GroupOutcome.Done done && done.View.Group.Kind != GroupKinds.Icos ? new GroupOutcome.NotFound(id) : outcome;
    }

    private static ProblemResult Unprocessable(IReadOnlyList<ValidationError> errors) => Problem.Create(
        StatusCodes.Status422UnprocessableEntity, ProblemCodes.ValidationFailed,
        errors.Count == 1 ? $"{errors[0].Field}: {errors[0].Message}" : $"the descriptor has {errors.Count} faults: " + string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")),
        errors);

    private static IResult GroupResult(GroupOutcome outcome, int status = StatusCodes.Status200OK) => outcome switch
    {
        GroupOutcome.Done done when status == StatusCodes.Status201Created && done.Created =>
            TypedResults.Created($"/jobmanager/groups/{IcosShapes.GroupId(done.View.Group.Id)}", IcosShapes.Group(done.View)),
        GroupOutcome.Done done => TypedResults.Ok(IcosShapes.Group(done.View)),
        GroupOutcome.Invalid invalid => Unprocessable(invalid.Errors),
        GroupOutcome.NotFound missing => Problem.NotFound($"there is no ICOS group '{JobEdits.Short(missing.Id)}'",
            [new ValidationError("group_uuid", ProblemCodes.NotFound, "no such group in the caller's projects")]),
        GroupOutcome.Conflict conflict => Problem.Conflict(conflict.Code, conflict.Message),
        _ => throw new InvalidOperationException($"unknown outcome {outcome}"),
    };
}
