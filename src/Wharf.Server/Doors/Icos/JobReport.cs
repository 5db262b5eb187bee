using System.Globalization;
using System.Text.Json.Nodes;
using Wharf.Domain.Jobs;
using Wharf.Domain.Validation;
using Wharf.Server.Auth;
using Wharf.Server.Problems;

namespace Wharf.Server.Doors.Icos;

/// <summary>
/// What a PUT of a job (or of resource status) says: a state (integer or word), the older agent's <c>locker</c>,
/// targets, namespace, resource and conditions, and manifests. <see cref="Decide"/> turns it into a change of the
/// job as it is now, claiming an unowned job for the reporting agent (the Nuvla agent never promotes).
/// </summary>
internal sealed record JobReport
{
    /// <summary>An agent that has not reported for this long loses a job still being created to another agent.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(300);

    public int? State { get; init; }

    public bool? Locker { get; init; }

    public string? OwnerId { get; init; }

    public JsonArray? Targets { get; init; }

    public string? Namespace { get; init; }

    public List<string>? Manifests { get; init; }

    public string? ResourceUuid { get; init; }

    public string? ResourceName { get; init; }

    public List<JobCondition> Conditions { get; init; } = [];

    public string? Feedback { get; init; }

    /// <summary>Reads a Job (or Resource) body; every fault named.</summary>
    public static (JobReport? Report, IReadOnlyList<ValidationError> Errors) Read(JsonObject body, DateTimeOffset now, bool manifestsAllowed)
    {
        ArgumentNullException.ThrowIfNull(body);
        var errors = new List<ValidationError>();
        int? state = null;
        if (body["state"] is { } stateNode && IcosWire.Text(stateNode) is { Length: > 0 })
        {
            state = IcosWire.ReadState(stateNode);
            if (state is null)
            {
                errors.Add(new("state", "invalid_value", $"state '{IcosWire.Text(stateNode)}' is 1–4 (Created, Progressing, Finished, Degraded) or deployed, degraded, stopped"));
            }
        }

        var resource = body["resource"] as JsonObject ?? body;
        var conditions = new List<JobCondition>();
        var list = resource["conditions"] as JsonArray ?? [];
        for (var i = 0; i < list.Count; i++)
        {
            var field = resource == body ? $"conditions[{i}]" : $"resource.conditions[{i}]";
            var item = list[i] as JsonObject;
            var type = IcosWire.Text(item?["type"]);
            var status = IcosWire.Text(item?["status"]);
            var normalized = JobCondition.Statuses.FirstOrDefault(s => string.Equals(s, status, StringComparison.OrdinalIgnoreCase));
            if (string.IsNullOrEmpty(type) || normalized is null)
            {
                errors.Add(new(field, "invalid_value", "a condition is {type, status: True|False|Unknown, reason, message, observedGeneration}"));
                continue;
            }

            var at = DateTimeOffset.TryParse(IcosWire.Text(item!["lastTransitionTime"]), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : now;
            conditions.Add(new JobCondition(type, normalized, at, IcosWire.Text(item["reason"]), IcosWire.Text(item["message"]),
                long.TryParse(IcosWire.Text(item["observedGeneration"]), CultureInfo.InvariantCulture, out var generation) ? generation : null));
        }

        var targets = body["targets"] switch
        {
            JsonArray array => new JsonArray([.. array.OfType<JsonObject>().Select(t => t.DeepClone())]),
            JsonObject one when !string.IsNullOrEmpty(IcosWire.Text(one["cluster_name"])) => new JsonArray(one.DeepClone()),
            _ => null,
        };
        List<string>? manifests = null;
        if (manifestsAllowed && body["manifests"] is JsonArray given)
        {
            manifests = [.. given.Select(m => m is JsonObject o ? IcosWire.Text(o["yamlString"]) : IcosWire.Text(m)).OfType<string>()];
            if (manifests.Count != given.Count)
            {
                errors.Add(new("manifests", "invalid_value", "manifests is a list of {yamlString}"));
            }
        }

        var report = new JobReport
        {
            State = state,
            Locker = IcosWire.Flag(body["locker"]),
            OwnerId = Blank(IcosWire.Text(body["owner_id"])),
            Targets = targets,
            Namespace = Blank(IcosWire.Text(body["namespace"])),
            Manifests = manifests,
            ResourceUuid = Blank(IcosWire.Text(resource["resource_uuid"])) is { } uuid && uuid != Guid.Empty.ToString("D") ? uuid : null,
            ResourceName = Blank(IcosWire.Text(resource["resource_name"])),
            Conditions = conditions,
            Feedback = Blank(IcosWire.Text(body["statusfeedback"]) ?? IcosWire.Text(body["status_feedback"])),
        };
        return (errors.Count == 0 ? report : null, errors);
    }

    /// <summary>The change this report makes to <paramref name="job"/> as it is now.</summary>
    public Decision Decide(Job job, Caller caller, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(caller);
        var facts = IcosFacts.Of(job);
        var releases = State == IcosWire.Created || (Locker == false && State is null);
        var owner = facts.Owner;
        if (State is not null || Locker is not null)
        {
            if (owner is null && !releases)
            {
                owner = caller.IsAdmin && OwnerId is not null ? OwnerId : caller.User;
            }
            else if (owner is not null && owner != caller.User && !caller.IsAdmin)
            {
                if (!(facts.Type == IcosWire.CreateDeployment && facts.State is IcosWire.Progressing or IcosWire.Degraded && IsStale(facts, now)))
                {
                    return new Decision.Refuse(Problem.Conflict(ProblemCodes.Conflict, $"job {job.Id} is owned by agent '{owner}'"));
                }

                owner = caller.User; // the owner's lease lapsed: the job manager's rule 2
            }
        }

        var next = facts with
        {
            Owner = owner,
            UpdatedAt = now,
            Targets = Targets?.ToJsonString() ?? facts.Targets,
            Namespace = Namespace ?? facts.Namespace,
            ResourceUuid = ResourceUuid ?? facts.ResourceUuid,
            ResourceName = ResourceName ?? facts.ResourceName,
            Manifests = Manifests is { } given && !given.SequenceEqual(facts.ManifestsOf(job)) ? given : facts.Manifests,
        };
        // Conditions the body carries first: the state it reports is the newer word (an agent echoes the old ones back).
        var conditions = job.Status.Conditions;
        foreach (var condition in Conditions)
        {
            conditions = Set(conditions, condition);
        }

        JobTransition? transition = null;
        if (next.Manifests != facts.Manifests && facts.Owner is not null && State is null)
        {
            next = next with { Type = IcosWire.UpdateDeployment, State = IcosWire.Created }; // changed manifests: the owner re-applies them
        }

        switch (State)
        {
            case IcosWire.Created or null when releases:
                next = facts.Type == IcosWire.CreateDeployment ? next with { Owner = null, State = IcosWire.Created } : next with { State = IcosWire.Created };
                transition = facts.Type == IcosWire.CreateDeployment ? JobTransitions.Requeue : null;
                break;
            case IcosWire.Progressing:
                next = next with { State = IcosWire.Progressing };
                transition = JobTransitions.Start;
                break;
            case IcosWire.Finished when facts.Type == IcosWire.DeleteDeployment:
                // Only a delete the agent took (promoted) is done; a Finished echoed before that is not about the delete.
                if (facts.State == IcosWire.Progressing)
                {
                    next = next with { State = IcosWire.Finished };
                    transition = JobEdits.Ending(job);
                }

                break;
            case IcosWire.Finished:
                next = next with { State = IcosWire.Finished };
                transition = JobTransitions.Start;
                conditions = Set(Set(conditions, new JobCondition("Available", "True", now, "Deployed")), new JobCondition("Degraded", "False", now));
                break;
            case IcosWire.Degraded:
                next = next with { State = IcosWire.Degraded };
                transition = JobTransitions.Start;
                conditions = Set(Set(conditions, new JobCondition("Degraded", "True", now, "Reported", Feedback)), new JobCondition("Available", "False", now, "Degraded", Feedback));
                break;
            case IcosWire.Stopped:
                next = next with { Type = IcosWire.DeleteDeployment, State = IcosWire.Finished };
                transition = JobEdits.Ending(job);
                break;
        }

        var said = State is { } s ? $"state {s}" : "status";
        return new Decision.Save(JobEdits.Edit(job, next, now, $"ICOS agent {caller.User} reported {said}", transition, st => st with { Conditions = conditions }));
    }

    public static bool IsStale(IcosFacts facts, DateTimeOffset now) => facts.UpdatedAt is not { } at || now - at > Lease;

    private static IReadOnlyList<JobCondition> Set(IReadOnlyList<JobCondition>? conditions, JobCondition condition) => JobCondition.Set(conditions, condition);

    private static string? Blank(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
