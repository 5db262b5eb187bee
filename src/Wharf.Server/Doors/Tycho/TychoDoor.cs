using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authentication;
using Wharf.Server.Api;
using Wharf.Server.Auth;
using Wharf.Domain.Jobs;
using Wharf.Server.Catalog;
using Wharf.Server.Execution;
using Wharf.Server.Groups;
using Wharf.Server.Groups.Manifests;
using Wharf.Storage;

namespace Wharf.Server.Doors.Tycho;

/// <summary>
/// The Tycho door, <c>/system/start|status|delete</c>: a Tycho system is a compose job group. It only translates:
/// the group is made, read and deleted through <see cref="GroupService"/>, so it is also seen at <c>/api/groups</c>.
/// Every reply is Tycho's <c>{status, result, message}</c>. The client sends no bearer token but can send HTTP Basic
/// credentials, so a Wharf token is taken as the Basic password too (see <see cref="BearerTokenHandler"/>).
/// </summary>
internal static class TychoDoor
{
    /// <summary>How long delete waits for the system's processes to stop before it answers anyway.</summary>
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(10);

    public static void Map(IEndpointRouteBuilder routes)
    {
        // Authentication is checked here rather than by a policy, so refusals get Tycho's envelope and a Basic challenge.
        var door = routes.MapGroup("/system").AllowAnonymous().AddEndpointFilter(Authorize).WithTags("Tycho");
        door.MapPost("/start", TychoStart.StartAsync).WithName("TychoStart")
            .WithSummary("Start a system from a compose file {name, principal, env, system, services}; answers with its host ports");
        door.MapPost("/status", StatusAsync).WithName("TychoStatus").WithSummary("Systems of the caller's project; {name: sid} and {username} filter");
        door.MapPost("/delete", DeleteAsync).WithName("TychoDelete").WithSummary("Stop every process of a system and delete it {name: sid}");
    }

    /// <summary>The caller and the project the door acts in: a user's own; an admin's from <c>?project=</c>, else <c>default</c>.</summary>
    public static (Caller? Caller, string? Project, IResult? Refusal) Scope(HttpContext http)
    {
        var caller = Caller.From(http.User);
        if (caller.IsAdmin)
        {
            var project = http.Request.Query["project"].ToString() is { Length: > 0 } given ? given : "default";
            return Identifiers.IsPrincipalName(project)
                ? (caller, project, null)
                : (null, null, TychoReply.Refused(400, "project: 1–128 letters, digits and . _ @ -"));
        }

        return caller.Project is { } own
            ? (caller, own, null)
            : (null, null, TychoReply.Refused(403, "this token names no project; systems belong to a project"));
    }

    /// <summary>The system with this sid (or <c>&lt;name&gt;-&lt;sid&gt;</c>) in the project, or null.</summary>
    public static async Task<GroupView?> FindAsync(GroupService groups, Caller caller, string project, string name, CancellationToken ct) =>
        TychoRequests.SidOf(name) is { } sid && await groups.GetAsync(caller, sid, ct) is GroupOutcome.Done done
            && done.View.Group.Kind == GroupKinds.Compose
            && string.Equals(done.View.Group.Owner.Project, project, StringComparison.Ordinal)
            ? done.View
            : null;

    private static async ValueTask<object?> Authorize(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.User.Identity?.IsAuthenticated != true)
        {
            var failure = http.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult?.Failure?.Message;
            http.Response.Headers.WWWAuthenticate = "Basic realm=\"wharf\"";
            return TychoReply.Refused(401, failure is null
                ? "authorization: send a Wharf token as the password of HTTP Basic credentials (for example from ~/.netrc), or as a bearer token"
                : $"authorization: {failure}");
        }

        var caller = Caller.From(http.User);
        if (caller.Role is not (TokenRole.User or TokenRole.Admin))
        {
            return TychoReply.Refused(403, $"authorization: a token with role '{Roles.ToWire(caller.Role)}' may not use /system");
        }

        return await next(context);
    }

    private static async Task<IResult> StatusAsync(HttpContext http, GroupService groups, CatalogCache catalog, WharfServerOptions options, CancellationToken ct)
    {
        var (caller, project, refusal) = Scope(http);
        if (caller is null)
        {
            return refusal!;
        }

        var (body, fault, status) = await TychoRequests.ReadObjectAsync(http, options.MaxRequestBodyBytes, ct);
        if (body is null)
        {
            return TychoReply.Refused(status, fault!);
        }

        var (name, username, faults) = TychoRequests.ReadStatus(body);
        if (faults.Count > 0)
        {
            return TychoReply.Refused(400, string.Join("; ", faults));
        }

        // Unlike Tycho, where the username filter replaces the sid filter, both apply. An unknown sid matches nothing.
        IEnumerable<GroupView> views = name is null
            ? (await groups.ListAsync(caller, GroupKinds.Compose, 1000, ct)).Where(v => v.Group.Owner.Project == project)
            : await FindAsync(groups, caller, project!, name, ct) is { } one ? [one] : [];
        var snapshot = await catalog.GetAsync(ct);
        var entries = new JsonArray();
        foreach (var system in views.Select(v => new TychoSystem(v)).Where(s => username is null || s.Username == username))
        {
            entries.Add(system.StatusEntry(snapshot));
        }

        return TychoReply.Success(entries, name is null ? $"Get status for {entries.Count} system(s)" : $"Get status for system {name}");
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, GroupService groups, JobFeed feed, WharfServerOptions options, TimeProvider time, CancellationToken ct)
    {
        var (caller, project, refusal) = Scope(http);
        if (caller is null)
        {
            return refusal!;
        }

        var (body, fault, status) = await TychoRequests.ReadObjectAsync(http, options.MaxRequestBodyBytes, ct);
        if (body is null)
        {
            return TychoReply.Refused(status, fault!);
        }

        var (name, faults) = TychoRequests.ReadDelete(body);
        if (name is null)
        {
            return TychoReply.Refused(400, string.Join("; ", faults));
        }

        if (await FindAsync(groups, caller, project!, name, ct) is not { } view)
        {
            return TychoReply.Failure($"Failed to delete system {name}: there is no such system in project '{project}'");
        }

        var sid = view.Group.Id;
        using var changes = new GroupChanges(feed, sid);
        if (await groups.StopAsync(caller, sid, delete: true, ct) is not GroupOutcome.Done stopped)
        {
            return TychoReply.Failure($"Failed to delete system {sid}: it kept changing; try again");
        }

        // Tycho's delete returns once the system is gone; wait (bounded) until its processes have stopped.
        var deadline = time.GetUtcNow() + StopWait;
        while (time.GetUtcNow() < deadline)
        {
            changes.Arm();
            var current = await groups.ViewAsync(stopped.View.Group, ct);
            if (current.Jobs.All(j => j.Status.State.IsFinal()))
            {
                break;
            }

            await changes.WaitAsync(TimeSpan.FromSeconds(1), ct);
        }

        return TychoReply.Success(new JsonObject(), $"Deleted system {sid}");
    }
}
