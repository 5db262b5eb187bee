using Microsoft.AspNetCore.Mvc;
using Wharf.Domain.Validation;
using Wharf.Server.Auth;
using Wharf.Server.Groups;
using Wharf.Server.Groups.Manifests;
using Wharf.Server.Problems;

namespace Wharf.Server.Api;

/// <summary>
/// The native job-group API: create a group from a compose file or an ICOS descriptor, list, get, update with a new
/// manifest, stop, delete. A group's jobs are ordinary jobs (<c>/api/jobs</c>); a user sees only their project's groups.
/// </summary>
internal static class GroupsApi
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var groups = routes.MapGroup("/api/groups").RequireAuthorization(Policies.JobsCaller).WithTags("Groups");
        groups.MapPost("", Create).WithName("CreateGroup")
            .WithSummary("Create a job group from a manifest {kind: compose|icos, manifest, name?, env?, envValues?}")
            .WithDescription("Admins pass ?project=. An Idempotency-Key header makes a retry return the same group.")
            .ReadsBody<GroupRequest>("application/json")
            .Produces<GroupResponse>(201)
            .ProducesProblems(400, 401, 403, 409, 413);
        groups.MapGet("", List).WithName("ListGroups").WithSummary("The groups of the caller's project, oldest first; ?kind= filters")
            .Produces<IReadOnlyList<GroupResponse>>();
        groups.MapGet("/{id}", Get).WithName("GetGroup").WithSummary("One group with its components' jobs")
            .Produces<GroupResponse>().ProducesProblems(401, 403, 404);
        groups.MapPut("/{id}", Update).WithName("UpdateGroup")
            .WithSummary("Give the group a new manifest: changed components get new jobs, unchanged running ones stay")
            .ReadsBody<GroupRequest>("application/json")
            .Produces<GroupResponse>().ProducesProblems(400, 401, 403, 404, 409, 413);
        groups.MapPost("/{id}/stop", Stop).WithName("StopGroup").WithSummary("Terminate every job of the group; an update starts it again")
            .Produces<GroupResponse>().ProducesProblems(401, 403, 404, 409);
        groups.MapDelete("/{id}", Delete).WithName("DeleteGroup").WithSummary("Terminate every job of the group and delete it")
            .Produces<GroupResponse>().ProducesProblems(401, 403, 404, 409);
    }

    private static async Task<IResult> Create(HttpContext http, [FromQuery] string? project, GroupService groups, WharfServerOptions options, CancellationToken ct)
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

        var (request, manifest, problem) = await ReadAsync(http, options, ct);
        if (manifest is null)
        {
            return problem!;
        }

        var outcome = await groups.CreateAsync(owner, manifest, request!.Manifest!, request.Env, key, null, ct);
        return Result(outcome, created: true);
    }

    private static async Task<IResult> List(HttpContext http, [FromQuery] string? kind, GroupService groups, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        if (!caller.IsAdmin && caller.Project is null)
        {
            return JobsApi.NoProject();
        }

        var views = await groups.ListAsync(caller, kind, 1000, ct);
        return TypedResults.Ok(views.Select(GroupResponse.Of).ToList());
    }

    private static async Task<IResult> Get(HttpContext http, string id, GroupService groups, CancellationToken ct) =>
        Result(await groups.GetAsync(Caller.From(http.User), id, ct));

    private static async Task<IResult> Update(HttpContext http, string id, GroupService groups, WharfServerOptions options, CancellationToken ct)
    {
        var (request, manifest, problem) = await ReadAsync(http, options, ct);
        if (manifest is null)
        {
            return problem!;
        }

        return Result(await groups.UpdateAsync(Caller.From(http.User), id, manifest, request!.Manifest!, request.Env, ct));
    }

    private static async Task<IResult> Stop(HttpContext http, string id, GroupService groups, CancellationToken ct) =>
        Result(await groups.StopAsync(Caller.From(http.User), id, delete: false, ct));

    private static async Task<IResult> Delete(HttpContext http, string id, GroupService groups, CancellationToken ct) =>
        Result(await groups.StopAsync(Caller.From(http.User), id, delete: true, ct));

    /// <summary>Reads and parses the request's manifest; a problem naming every fault when it cannot.</summary>
    private static async Task<(GroupRequest? Request, GroupManifest? Manifest, IResult? Problem)> ReadAsync(HttpContext http, WharfServerOptions options, CancellationToken ct)
    {
        var (request, _, problem) = await RequestBody.ReadJsonAsync<GroupRequest>(http, options.MaxRequestBodyBytes, ct);
        if (request is null)
        {
            return (null, null, problem);
        }

        if (string.IsNullOrWhiteSpace(request.Manifest))
        {
            return (request, null, Problem.Validation("manifest", "required", "manifest holds the compose file or ICOS descriptor as text"));
        }

        var (manifest, errors) = GroupManifests.Read(request.Kind ?? GroupKinds.Compose, request.Manifest, request.Env, request.EnvValues, request.Name, "manifest.");
        return manifest is null ? (request, null, Problem.Validation(errors)) : (request, manifest, null);
    }

    private static IResult Result(GroupOutcome outcome, bool created = false) => outcome switch
    {
        GroupOutcome.Done { Created: true } done when created =>
            TypedResults.Created($"/api/groups/{done.View.Group.Id}", GroupResponse.Of(done)),
        GroupOutcome.Done done => TypedResults.Ok(GroupResponse.Of(done)),
        GroupOutcome.Invalid invalid => Problem.Validation(invalid.Errors),
        GroupOutcome.NotFound missing => Problem.NotFound($"there is no group '{(missing.Id.Length > 40 ? missing.Id[..40] + "…" : missing.Id)}'",
            [new ValidationError("id", ProblemCodes.NotFound, "no such group")]),
        GroupOutcome.Conflict conflict => Problem.Conflict(conflict.Code, conflict.Message),
        _ => throw new InvalidOperationException($"unknown outcome {outcome}"),
    };
}
