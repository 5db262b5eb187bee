using System.Text.Json.Nodes;
using Wharf.Domain.Jobs;
using Wharf.Server.Api;
using Wharf.Server.Execution;
using Wharf.Server.Groups;
using Wharf.Server.Groups.Manifests;

namespace Wharf.Server.Doors.Tycho;

/// <summary>
/// <c>POST /system/start</c>: the compose file becomes a job group, and the reply carries the host port of each
/// service asked for. A job gets its ports only once it runs, so start waits (bounded) until every one is allocated.
/// </summary>
internal static class TychoStart
{
    /// <summary>How long start waits for the ports before it gives up, deletes the system and says why.</summary>
    public static readonly TimeSpan PortWait = TimeSpan.FromSeconds(30);

    public static async Task<IResult> StartAsync(
        HttpContext http, GroupService groups, JobFeed feed, WharfServerOptions options, TimeProvider time, CancellationToken ct)
    {
        var (caller, project, refusal) = TychoDoor.Scope(http);
        if (caller is null)
        {
            return refusal!;
        }

        if (!Identifiers.TryReadIdempotencyKey(http.Request, out var key))
        {
            return TychoReply.Refused(400, $"{Identifiers.IdempotencyHeader}: send at most one, of 1–255 visible ASCII characters");
        }

        var (body, fault, status) = await TychoRequests.ReadObjectAsync(http, options.MaxRequestBodyBytes, ct);
        if (body is null)
        {
            return TychoReply.Refused(status, fault!);
        }

        var (request, faults) = TychoRequests.ReadStart(body, key);
        if (request is null)
        {
            return TychoReply.Refused(400, string.Join("; ", faults));
        }

        var (manifest, errors) = GroupManifests.Read(GroupKinds.Compose, request.SystemText, request.EnvText, null, request.Name, "system.");
        if (manifest is null)
        {
            // The .env text's faults are about the request's env, not the system.
            return TychoReply.Refused(400, string.Join("; ", errors.Select(e => $"{(e.Field == "system.env" ? "env" : e.Field)}: {e.Message}")));
        }

        var (services, serviceFaults) = ResolveServices(request, manifest);
        if (serviceFaults.Count > 0)
        {
            return TychoReply.Refused(400, string.Join("; ", serviceFaults));
        }

        var annotations = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [TychoSystem.Annotations.Name] = request.Name,
            [TychoSystem.Annotations.Username] = request.Username ?? caller.User,
            [TychoSystem.Annotations.Services] = services.ToJsonString(),
        };
        if (request.ServiceAccount is { } account)
        {
            annotations[TychoSystem.Annotations.ServiceAccount] = account;
        }

        var outcome = await groups.CreateAsync(new Owner(caller.User, project!), manifest, request.SystemText, request.EnvText, request.IdempotencyKey, annotations, ct);
        switch (outcome)
        {
            case GroupOutcome.Invalid invalid:
                return TychoReply.Refused(400, string.Join("; ", invalid.Errors.Select(e => $"{e.Field}: {e.Message}")));
            case GroupOutcome.Conflict conflict:
                return TychoReply.Refused(409, $"{(conflict.Code == Problems.ProblemCodes.IdempotencyConflict ? "idempotency_key" : "system")}: {conflict.Message}");
            case GroupOutcome.Done { Created: false } replayed when !SameStart(replayed.View, annotations):
                // The group service compares the compose file and env; Tycho's name and services are the door's to compare.
                return TychoReply.Refused(409, $"idempotency_key: '{request.IdempotencyKey}' was used before for another start request "
                    + $"(system {new TychoSystem(replayed.View).Name}); nothing was created");
            case GroupOutcome.Done done:
                return await AwaitPortsAsync(groups, feed, time, caller, done, ct);
            default:
                return TychoReply.Failure($"Failed to start system {request.Name}: the group could not be created");
        }
    }

    private static bool SameStart(GroupView view, Dictionary<string, string> annotations) =>
        annotations.All(a => view.Group.Annotations?.GetValueOrDefault(a.Key) == a.Value)
        && (view.Group.Annotations?.Keys.Where(k => k.StartsWith("tycho.", StringComparison.Ordinal)).All(annotations.ContainsKey) ?? true);

    /// <summary>
    /// The port name each service reports, in the order asked: <c>services.svc.port</c> is the compose port with that
    /// container port. With no services asked, every service that has ports reports its first one.
    /// </summary>
    private static (JsonObject Services, List<string> Faults) ResolveServices(StartRequest request, GroupManifest manifest)
    {
        var ports = TychoPorts.Read(request.SystemText, request.EnvText);
        var result = new JsonObject();
        var faults = new List<string>();
        if (request.Services.Count == 0)
        {
            foreach (var component in manifest.Components.Where(c => ports.ContainsKey(c.Name)))
            {
                result[component.Name] = ports[component.Name][0].Name;
            }

            return (result, faults);
        }

        foreach (var (service, target) in request.Services)
        {
            if (manifest.Components.All(c => c.Name != service))
            {
                faults.Add($"services.{service}: the system has no service '{service}'");
            }
            else if (ports.GetValueOrDefault(service)?.FirstOrDefault(p => p.Target == target) is { Name: { } name })
            {
                result[service] = name;
            }
            else
            {
                var has = ports.GetValueOrDefault(service) is { } known ? string.Join(", ", known.Select(p => p.Target)) : "none";
                faults.Add($"services.{service}.port: service '{service}' has no port {target} in the system (its ports: {has})");
            }
        }

        return (result, faults);
    }

    /// <summary>
    /// Waits until rank 0 of every reported service runs with its host port. A service whose job ended first, or no
    /// port in time, fails the start; a system this request created is then deleted, so a failed start leaves nothing.
    /// </summary>
    private static async Task<IResult> AwaitPortsAsync(
        GroupService groups, JobFeed feed, TimeProvider time, Auth.Caller caller, GroupOutcome.Done done, CancellationToken ct)
    {
        var sid = done.View.Group.Id;
        var name = new TychoSystem(done.View).Name;
        using var changes = new GroupChanges(feed, sid);
        var deadline = time.GetUtcNow() + PortWait;
        string problem;
        while (true)
        {
            changes.Arm();
            if (await groups.GetAsync(caller, sid, ct) is not GroupOutcome.Done current)
            {
                return TychoReply.Failure($"Failed to start system {name}: it was deleted");
            }

            var system = new TychoSystem(current.View);
            var waiting = system.Services.Where(s => system.Endpoint(s.Service, s.Port) is null).ToList();
            if (waiting.Count == 0)
            {
                return TychoReply.Success(system.StartResult(), $"Started system {system.Name}");
            }

            var ended = waiting.Select(s => (s.Service, Job: current.View.JobOf(s.Service)))
                .FirstOrDefault(s => s.Job is null || s.Job.Status.State.IsFinal() || s.Job.Status.State == JobState.Canceling);
            if (ended.Service is not null)
            {
                problem = ended.Job is null
                    ? $"service '{ended.Service}' has no job"
                    : $"service '{ended.Service}' ended {ended.Job.Status.State.ToWire()} before its port was allocated ({ended.Job.Status.Reason})";
                break;
            }

            var remaining = deadline - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                problem = $"no port within {PortWait.TotalSeconds:0} s for " + string.Join(", ", waiting.Select(s =>
                    current.View.JobOf(s.Service) is { } job ? $"'{s.Service}' ({job.Status.State.ToWire()}: {job.Status.Reason})" : $"'{s.Service}'"));
                break;
            }

            await changes.WaitAsync(remaining < TimeSpan.FromSeconds(1) ? remaining : TimeSpan.FromSeconds(1), ct);
        }

        if (done.Created)
        {
            await groups.StopAsync(caller, sid, delete: true, ct);
            return TychoReply.Failure($"Failed to start system {name}: {problem}; the system was deleted");
        }

        return TychoReply.Failure($"Failed to start system {name}: {problem}");
    }
}
