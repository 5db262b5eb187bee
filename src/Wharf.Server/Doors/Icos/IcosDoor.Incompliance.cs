using System.Text.Json.Nodes;
using Wharf.Domain.Jobs;
using Wharf.Domain.Validation;
using Wharf.Server.Api;
using Wharf.Server.Auth;
using Wharf.Server.Groups.Manifests;
using Wharf.Server.Problems;
using Wharf.Storage;

namespace Wharf.Server.Doors.Icos;

/// <summary>Policy incompliances: the remediation is made real on the job, and its owner pulls it.</summary>
internal static partial class IcosDoor
{
    /// <summary>
    /// Finds the job by <c>subject.resourceId</c> (a job id or a reported resource uuid; else <c>appName</c> and
    /// <c>appComponent</c>), changes it as the remediation says (replicas, resources, a manifest patch, or its owner
    /// and targets) and makes it UpdateDeployment / Created with <c>sub_type</c> = the remediation for its owner to
    /// pull; a job no agent took yet stays CreateDeployment with the changed manifests.
    /// </summary>
    private static async Task<IResult> IncomplianceAsync(HttpContext http, IWharfStore store, WharfServerOptions options, TimeProvider time, CancellationToken ct)
    {
        var (body, problem) = await ReadObjectAsync(http, options, ct);
        if (body is null)
        {
            return problem!;
        }

        var remediation = IcosWire.Text(body["remediation"]);
        var subject = body["subject"] as JsonObject;
        var resourceId = IcosWire.Text(subject?["resourceId"]);
        var errors = new List<ValidationError>();
        if (remediation is null || !IcosWire.Remediations.Contains(remediation))
        {
            errors.Add(new("remediation", remediation is null ? "required" : "invalid_value",
                "remediation is scale-up, scale-down, scale-out, scale-in, patch or reallocation"));
        }

        if (string.IsNullOrEmpty(resourceId) && (IcosWire.Text(subject?["appName"]) is null || IcosWire.Text(subject?["appComponent"]) is null))
        {
            errors.Add(new("subject.resourceId", "required", "subject.resourceId names the job (its id or its resource uuid)"));
        }

        var patch = body["patch"] switch
        {
            JsonObject given => given,
            _ when IcosWire.Text(body["patch"] ?? body["extraLabels"]?["patch"]) is { } text => IcosShapes.Read(text),
            _ => null,
        };
        if (remediation == "patch" && (body["patch"] ?? body["extraLabels"]?["patch"]) is not null && patch is null)
        {
            errors.Add(new("patch", "invalid_value", "patch is a manifest fragment (a JSON object or YAML text) to merge into the job's manifest"));
        }

        if (errors.Count > 0)
        {
            return Problem.Create(StatusCodes.Status422UnprocessableEntity, ProblemCodes.ValidationFailed, $"{errors[0].Field}: {errors[0].Message}", errors);
        }

        var caller = Caller.From(http.User);
        var job = await FindSubjectAsync(caller, resourceId, subject!, store, ct);
        if (job is null)
        {
            return Problem.NotFound($"no ICOS job matches subject.resourceId '{JobEdits.Short(resourceId)}'",
                [new("subject.resourceId", ProblemCodes.NotFound, "no such job or resource in the caller's projects")]);
        }

        var (saved, refusal) = await JobEdits.ChangeAsync(job, store, time, (current, now) => Remediate(current, remediation!, patch, now, caller), ct);
        if (saved is null)
        {
            return refusal!;
        }

        var answer = (JsonObject)body.DeepClone();
        var stamp = IcosWire.Time(WharfTime(time));
        answer["id"] ??= Guid.NewGuid().ToString("D");
        answer["job_id"] = saved.Id;
        answer["created_at"] ??= stamp;
        answer["updated_at"] = stamp;
        return TypedResults.Ok(answer);
    }

    private static Decision Remediate(Job job, string remediation, JsonObject? patch, DateTimeOffset now, Caller caller)
    {
        if (job.Status.State.IsFinal() || job.Status.State == JobState.Canceling)
        {
            return new Decision.Refuse(Problem.Conflict(ProblemCodes.InvalidTransition, $"job {job.Id} is being removed or has ended; there is nothing to remediate"));
        }

        var facts = IcosFacts.Of(job);
        var manifests = facts.ManifestsOf(job);
        var replicas = job.Status.Replicas;
        var next = facts with { SubType = remediation, UpdatedAt = now };
        switch (remediation)
        {
            case "scale-out" or "scale-in":
                var current = Remediation.ReplicasOf(manifests) ?? job.Status.Replicas ?? job.Specification.Replicas;
                var wanted = remediation == "scale-out" ? current + 1 : current - 1;
                if (wanted < 1)
                {
                    return new Decision.Refuse(Problem.Conflict(ProblemCodes.InvalidTransition, $"job {job.Id} runs one replica and cannot scale in"));
                }

                replicas = wanted;
                next = next with { Manifests = Remediation.Scale(manifests, wanted) };
                break;
            case "scale-up" or "scale-down":
                var factor = remediation == "scale-up" ? 2.0 : 0.5;
                var demand = job.Specification.RankDemand;
                next = next with
                {
                    Manifests = Remediation.Resize(manifests, factor),
                    Cpu = (facts.Cpu ?? demand?.Cpu) is { } cpu and > 0 ? Math.Max(0.001, cpu * factor) : null,
                    MemoryMiB = (facts.MemoryMiB ?? demand?.MemoryMiB) is { } memory and > 0 ? Math.Max(1, (long)(memory * factor)) : null,
                };
                break;
            case "patch" when patch is not null:
                if (Remediation.Patch(manifests, patch) is not { } patched)
                {
                    return new Decision.Refuse(Problem.Create(StatusCodes.Status422UnprocessableEntity, ProblemCodes.ValidationFailed,
                        "patch: no manifest of the job has the kind and metadata.name the patch names"));
                }

                next = next with { Manifests = patched };
                break;
            case "reallocation":
                // Another agent may take it: unowned, no targets, waiting again.
                return new Decision.Save(JobEdits.Edit(job, next with { Owner = null, Targets = "[]", Type = IcosWire.CreateDeployment, State = IcosWire.Created },
                    now, $"reallocation requested by policy (reported by {caller.User})", JobTransitions.Requeue));
        }

        next = facts.Owner is null
            ? next with { Type = IcosWire.CreateDeployment, State = IcosWire.Created }
            : next with { Type = IcosWire.UpdateDeployment, State = IcosWire.Created };
        return new Decision.Save(JobEdits.Edit(job, next, now, $"policy remediation {remediation} (reported by {caller.User})",
            amend: s => s with { Replicas = replicas }));
    }

    private static async Task<Job?> FindSubjectAsync(Caller caller, string? resourceId, JsonObject subject, IWharfStore store, CancellationToken ct)
    {
        if (Identifiers.IsJobId(resourceId) && (await JobEdits.FindAsync(caller, resourceId, store, ct)).Job is { } byId)
        {
            return byId;
        }

        var active = await JobEdits.ActiveAsync(caller, store, ct);
        if (resourceId is not null && active.FirstOrDefault(j => IcosFacts.Of(j).ResourceUuid == resourceId) is { } byResource)
        {
            return byResource;
        }

        var app = IcosWire.Text(subject["appName"]);
        var component = IcosWire.Text(subject["appComponent"]);
        if (app is null || component is null)
        {
            return null;
        }

        var groups = await JobEdits.GroupsOfAsync(active, store, ct);
        return active.FirstOrDefault(j => j.Specification.Group!.Component == component
            && groups.GetValueOrDefault(j.Specification.Group.GroupId) is { Kind: GroupKinds.Icos } group && group.Name == app);
    }
}
