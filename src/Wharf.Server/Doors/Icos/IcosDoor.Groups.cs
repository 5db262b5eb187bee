using System.Text.Json.Nodes;
using Wharf.Domain.Jobs;
using Wharf.Server.Auth;
using Wharf.Server.Groups;
using Wharf.Server.Groups.Manifests;
using Wharf.Server.Problems;
using Wharf.Storage;

namespace Wharf.Server.Doors.Icos;

/// <summary>Group re-submit, undeploy and delete.</summary>
internal static partial class IcosDoor
{
    /// <summary>
    /// Re-submits a group: the stored descriptor goes through <see cref="GroupService.UpdateAsync"/> (components whose
    /// job ended get a new job), jobs named in the body take the manifests given for them, and every job not being
    /// deleted goes back to Created: ReplaceDeployment for its owner to re-apply, CreateDeployment when unowned.
    /// </summary>
    private static async Task<IResult> UpdateGroupAsync(
        HttpContext http, GroupService groups, IWharfStore store, WharfServerOptions options, TimeProvider time, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        var (body, problem) = await ReadObjectAsync(http, options, ct);
        if (body is null)
        {
            return problem!;
        }

        if (IcosWire.Text(body["id"]) is not { Length: > 0 } id)
        {
            return Problem.Validation("id", "required", "id names the job group to re-submit");
        }

        if (await FindGroupAsync(caller, id, groups, ct) is not GroupOutcome.Done found)
        {
            return GroupResult(new GroupOutcome.NotFound(id));
        }

        var (manifest, errors) = GroupManifests.Read(GroupKinds.Icos, found.View.Group.Manifest, null, null, null, "");
        if (manifest is null)
        {
            return Unprocessable(errors);
        }

        var given = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (item, i) in (body["jobs"] as JsonArray ?? []).Select((item, i) => (item, i)))
        {
            if (item is JsonObject job && IcosWire.Text(job["id"]) is { } jobId && job["manifests"] is { } manifests)
            {
                if (ManifestsOf(manifests) is not { } texts)
                {
                    return Problem.Validation($"jobs[{i}].manifests", "invalid_value", "manifests is a list of {yamlString} or one YAML string");
                }

                given[jobId] = texts;
            }
        }

        var outcome = await groups.UpdateAsync(caller, id, manifest, found.View.Group.Manifest, null, ct);
        if (outcome is not GroupOutcome.Done updated)
        {
            return GroupResult(outcome);
        }

        foreach (var job in updated.View.Jobs.Where(j => !j.Status.State.IsFinal() && j.Status.State != JobState.Canceling))
        {
            var (_, refusal) = await JobEdits.ChangeAsync(job, store, time, (current, now) =>
            {
                var facts = IcosFacts.Of(current);
                var next = facts with
                {
                    Type = facts.Owner is null ? IcosWire.CreateDeployment : IcosWire.ReplaceDeployment,
                    State = IcosWire.Created,
                    SubType = null,
                    UpdatedAt = now,
                    Manifests = given.TryGetValue(current.Id, out var texts) ? texts : facts.Manifests,
                };
                return new Decision.Save(JobEdits.Edit(current, next, now, $"ICOS group re-submitted by {caller.User}"));
            }, ct);
            if (refusal is not null)
            {
                return refusal;
            }
        }

        return GroupResult(await FindGroupAsync(caller, id, groups, ct));
    }

    private static async Task<IResult> UndeployGroupAsync(
        HttpContext http, string group_uuid, GroupService groups, IWharfStore store, TimeProvider time, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        var refusal = await UndeployAsync(caller, group_uuid, groups, store, time, ct);
        return refusal ?? GroupResult(await groups.StopAsync(caller, group_uuid, delete: false, ct));
    }

    private static async Task<IResult> DeleteGroupAsync(
        HttpContext http, string group_uuid, GroupService groups, IWharfStore store, TimeProvider time, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        var refusal = await UndeployAsync(caller, group_uuid, groups, store, time, ct);
        if (refusal is not null)
        {
            return refusal;
        }

        var outcome = await groups.StopAsync(caller, group_uuid, delete: true, ct);
        if (outcome is not GroupOutcome.Done done)
        {
            return GroupResult(outcome);
        }

        var pending = done.View.Jobs.Count(j => j.Status.State == JobState.Canceling);
        return TypedResults.Ok(pending == 0
            ? $"Job group {IcosShapes.GroupId(done.View.Group.Id)} deleted"
            : $"Job group {IcosShapes.GroupId(done.View.Group.Id)} deleted; {pending} job(s) wait for their agents to remove the deployment");
    }

    /// <summary>
    /// Stops every job of the group as the job manager does: a job no agent took ends at once (Finished, unowned);
    /// an owned one becomes DeleteDeployment / Created, to be pulled by its owner, and CANCELING until it reports.
    /// </summary>
    private static async Task<IResult?> UndeployAsync(Caller caller, string id, GroupService groups, IWharfStore store, TimeProvider time, CancellationToken ct)
    {
        if (await FindGroupAsync(caller, id, groups, ct) is not GroupOutcome.Done found)
        {
            return GroupResult(new GroupOutcome.NotFound(id));
        }

        foreach (var job in found.View.Jobs)
        {
            var (_, refusal) = await JobEdits.ChangeAsync(job, store, time, (current, now) => Undeploy(current, now, caller.User), ct);
            if (refusal is not null)
            {
                return refusal;
            }
        }

        return null;
    }

    private static Decision Undeploy(Job job, DateTimeOffset now, string user)
    {
        var facts = IcosFacts.Of(job);
        if (job.Status.State.IsFinal() || job.Status.State == JobState.Canceling)
        {
            return new Decision.Keep();
        }

        return facts.Owner is null
            ? new Decision.Save(JobEdits.Edit(job, facts with { Type = IcosWire.DeleteDeployment, State = IcosWire.Finished, SubType = null, UpdatedAt = now },
                now, $"undeployed by {user} before an agent took it", JobEdits.Ending(job)))
            : new Decision.Save(JobEdits.Edit(job, facts with { Type = IcosWire.DeleteDeployment, State = IcosWire.Created, SubType = null, UpdatedAt = now },
                now, $"undeploy requested by {user}; waiting for agent {facts.Owner} to remove the deployment", JobTransitions.Terminate,
                s => s with { TerminatedBy = user }));
    }

    /// <summary>Manifests as the job manager sends them (<c>[{yamlString}]</c>), as plain strings, or as one string of documents.</summary>
    private static List<string>? ManifestsOf(JsonNode? node) => node switch
    {
        JsonArray list when list.All(m => m is JsonObject { } o && IcosWire.Text(o["yamlString"]) is not null || IcosWire.Text(m) is not null) =>
            [.. list.Select(m => m is JsonObject o ? IcosWire.Text(o["yamlString"])! : IcosWire.Text(m)!)],
        JsonValue when IcosWire.Text(node) is { } text =>
            [.. text.Split(IcosShapes.DocumentSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(t => t.Length > 0)],
        _ => null,
    };
}
