using System.Security.Cryptography;
using System.Text;
using Wharf.Domain.Groups;
using Wharf.Domain.Jobs;
using Wharf.Domain.Serialization;
using Wharf.Server.Auth;
using Wharf.Server.Catalog;
using Wharf.Server.Groups.Manifests;
using Wharf.Server.Jobs;
using Wharf.Server.Problems;
using Wharf.Storage;

namespace Wharf.Server.Groups;

/// <summary>
/// Job groups, for every door: a manifest becomes one job per component, created with the group in one transaction;
/// members reach each other by component name (peers) and start in dependency order (the scheduler holds a job until
/// its dependencies meet their conditions). Stop and delete terminate the members; update replaces the members whose
/// component changed (or ended) and keeps the others running.
/// </summary>
internal sealed class GroupService(IWharfStore store, CatalogCache catalog, TimeProvider time)
{
    /// <summary>The version every component's inline application carries.</summary>
    public const string ComponentVersion = "group";

    private const int Attempts = 5;

    /// <summary>Creates a group from <paramref name="manifest"/>; with <paramref name="idempotencyKey"/>, a repeat returns the first group.</summary>
    public async Task<GroupOutcome> CreateAsync(
        Owner owner, GroupManifest manifest, string manifestText, string? env, string? idempotencyKey,
        IReadOnlyDictionary<string, string>? annotations, CancellationToken cancellationToken)
    {
        var now = WharfJson.ToMilliseconds(time.GetUtcNow());
        var group = new JobGroup
        {
            Id = Guid.NewGuid().ToString("N"),
            Owner = owner,
            Kind = manifest.Kind,
            Name = manifest.Name,
            Description = manifest.Description,
            Manifest = manifestText,
            Env = env,
            Annotations = annotations,
            ComponentDigests = GroupPlanner.Digests(manifest),
            CreatedAt = now,
            UpdatedAt = now,
        };
        var plan = await PlanAsync(group, manifest, [.. manifest.Components.Select(c => c.Name)], cancellationToken);
        if (plan.Errors.Count > 0)
        {
            return new GroupOutcome.Invalid(plan.Errors);
        }

        var claim = idempotencyKey is null ? null
            : new IdempotencyClaim("group:" + idempotencyKey, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{manifest.Kind}\0{manifestText}\0{env}"))));
        var result = await store.Groups.SaveGroupAsync(group, null, new CreateJobsRequest(owner, plan.Jobs, now, claim), plan.Components, cancellationToken);
        return result switch
        {
            SaveGroupResult.Saved saved => new GroupOutcome.Done(await ViewAsync(saved.Group, cancellationToken), Created: true) { Warnings = manifest.Warnings },
            SaveGroupResult.JobsRefused { Result: CreateJobsResult.Replayed replayed } =>
                await store.Groups.FindGroupOfJobAsync(replayed.Ids[0], cancellationToken) is { } first
                    ? new GroupOutcome.Done(await ViewAsync(first, cancellationToken))
                    : new GroupOutcome.Conflict(ProblemCodes.IdempotencyConflict, $"Idempotency-Key '{idempotencyKey}' names a request that made no group"),
            SaveGroupResult.JobsRefused { Result: CreateJobsResult.IdempotencyConflict } =>
                new GroupOutcome.Conflict(ProblemCodes.IdempotencyConflict, $"Idempotency-Key '{idempotencyKey}' was used before with another manifest; nothing was created"),
            _ => new GroupOutcome.Conflict(ProblemCodes.Conflict, $"the group could not be created: {result}"),
        };
    }

    /// <summary>The group with this id, if the caller may see it (deleted groups are gone).</summary>
    public async Task<GroupOutcome> GetAsync(Caller caller, string id, CancellationToken cancellationToken) =>
        await FindAsync(caller, id, cancellationToken) is { } group
            ? new GroupOutcome.Done(await ViewAsync(group, cancellationToken))
            : new GroupOutcome.NotFound(id);

    /// <summary>The groups the caller may see (of one kind when given), oldest first.</summary>
    public async Task<IReadOnlyList<GroupView>> ListAsync(Caller caller, string? kind, int limit, CancellationToken cancellationToken)
    {
        var project = caller.IsAdmin ? null : caller.Project;
        if (!caller.IsAdmin && project is null)
        {
            return [];
        }

        var groups = await store.Groups.ListGroupsAsync(project, kind, limit, cancellationToken);
        var views = new List<GroupView>(groups.Count);
        foreach (var group in groups)
        {
            views.Add(await ViewAsync(group, cancellationToken));
        }

        return views;
    }

    /// <summary>
    /// Gives the group a new manifest: components that are new, changed, or whose job has ended get a new job; removed
    /// components' jobs and replaced jobs are terminated; unchanged running ones stay. A stopped group starts again.
    /// </summary>
    public async Task<GroupOutcome> UpdateAsync(
        Caller caller, string id, GroupManifest manifest, string manifestText, string? env, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            if (await FindAsync(caller, id, cancellationToken) is not { } group)
            {
                return new GroupOutcome.NotFound(id);
            }

            var current = await ViewAsync(group, cancellationToken);
            var renew = manifest.Components
                .Where(c => current.JobOf(c.Name) is not { } job || job.Status.State.IsFinal() || job.Status.State == JobState.Canceling
                    || group.ComponentDigests.GetValueOrDefault(c.Name) != GroupPlanner.Digest(c))
                .Select(c => c.Name)
                .ToHashSet(StringComparer.Ordinal);
            var now = WharfJson.ToMilliseconds(time.GetUtcNow());
            var next = group with
            {
                Kind = manifest.Kind,
                Name = manifest.Name,
                Description = manifest.Description,
                Manifest = manifestText,
                Env = env,
                State = GroupState.Active,
                Generation = group.Generation + 1,
                ComponentDigests = GroupPlanner.Digests(manifest),
                UpdatedAt = now,
                Members = [.. group.Members.Where(m => manifest.Components.Any(c => c.Name == m.Component))],
            };
            var plan = await PlanAsync(next, manifest, [.. manifest.Components.Where(c => renew.Contains(c.Name)).Select(c => c.Name)], cancellationToken);
            if (plan.Errors.Count > 0)
            {
                return new GroupOutcome.Invalid(plan.Errors);
            }

            var result = await store.Groups.SaveGroupAsync(next, group.Version, plan.Jobs.Count == 0 ? null : new CreateJobsRequest(group.Owner, plan.Jobs, now, null), plan.Components, cancellationToken);
            if (result is SaveGroupResult.Saved saved)
            {
                var retired = current.Jobs.Where(j => saved.Group.Members.All(m => m.JobId != j.Id));
                await TerminateAsync(retired, caller.User, cancellationToken);
                return new GroupOutcome.Done(await ViewAsync(saved.Group, cancellationToken)) { Warnings = manifest.Warnings };
            }

            if (result is SaveGroupResult.JobsRefused refused)
            {
                return new GroupOutcome.Conflict(ProblemCodes.Conflict, $"the group's new jobs could not be created: {refused.Result}");
            }
        }

        return new GroupOutcome.Conflict(ProblemCodes.Conflict, "the group kept changing while this request was applied; try again");
    }

    /// <summary>Stops the group (<see cref="GroupState.Stopped"/>) or deletes it: either way every member job still active is terminated.</summary>
    public async Task<GroupOutcome> StopAsync(Caller caller, string id, bool delete, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            if (await FindAsync(caller, id, cancellationToken) is not { } group)
            {
                return new GroupOutcome.NotFound(id);
            }

            var next = group with { State = delete ? GroupState.Deleted : GroupState.Stopped, UpdatedAt = WharfJson.ToMilliseconds(time.GetUtcNow()) };
            if (await store.Groups.SaveGroupAsync(next, group.Version, null, [], cancellationToken) is SaveGroupResult.Saved saved)
            {
                // Dependents first (members are in start order), as compose stops them: a waiting job must not be failed
                // for its dependency's stop before its own terminate lands.
                var view = await ViewAsync(saved.Group, cancellationToken);
                await TerminateAsync(view.Jobs.Reverse(), caller.User, cancellationToken);
                return new GroupOutcome.Done(await ViewAsync(saved.Group, cancellationToken));
            }
        }

        return new GroupOutcome.Conflict(ProblemCodes.Conflict, "the group kept changing while this request was applied; try again");
    }

    /// <summary>The group and its current jobs, read now.</summary>
    public async Task<GroupView> ViewAsync(JobGroup group, CancellationToken cancellationToken)
    {
        var jobs = (await store.Jobs.GetJobsAsync([.. group.Members.Select(m => m.JobId)], cancellationToken)).ToDictionary(j => j.Id, StringComparer.Ordinal);
        var ordered = group.Members.Select(m => jobs.GetValueOrDefault(m.JobId)).OfType<Job>().ToList();
        return new GroupView(group, ordered, GroupHealth.Of(group.State, [.. ordered.Select(j => j.Status.State)]));
    }

    private async Task<JobGroup?> FindAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        var key = NormalizeId(id);
        if (key is null || await store.Groups.GetGroupAsync(key, cancellationToken) is not { } group || group.State == GroupState.Deleted)
        {
            return null;
        }

        return caller.IsAdmin || string.Equals(caller.Project, group.Owner.Project, StringComparison.Ordinal) ? group : null;
    }

    /// <summary>A group id as stored (32 lower-case hex digits) from either spelling of a UUID; null when it is none.</summary>
    public static string? NormalizeId(string? id) => Guid.TryParse(id, out var guid) ? guid.ToString("N") : null;

    /// <summary>Terminates every job of <paramref name="jobs"/> that is still active; one that changed meanwhile is read again.</summary>
    private async Task TerminateAsync(IEnumerable<Job> jobs, string user, CancellationToken cancellationToken)
    {
        foreach (var job in jobs)
        {
            var target = job;
            for (var attempt = 0; attempt < Attempts && target is not null; attempt++)
            {
                var (change, _) = JobCommands.Terminate(target, WharfJson.ToMilliseconds(time.GetUtcNow()), user);
                if (change is null || await store.Jobs.TrySaveAsync(change, cancellationToken))
                {
                    break;
                }

                target = await store.Jobs.GetJobAsync(target.Id, cancellationToken);
            }
        }
    }

    private async Task<GroupPlan> PlanAsync(JobGroup group, GroupManifest manifest, IReadOnlyList<string> renew, CancellationToken cancellationToken) =>
        GroupPlanner.Plan(group, manifest, renew, await catalog.GetAsync(cancellationToken));
}
