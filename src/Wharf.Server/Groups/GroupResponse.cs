using Wharf.Domain.Jobs;

namespace Wharf.Server.Groups;

/// <summary>A group on the native API.</summary>
/// <param name="Id">The group's id.</param>
/// <param name="Name">Its name.</param>
/// <param name="Kind"><c>compose</c> or <c>icos</c>.</param>
/// <param name="Description">What it is.</param>
/// <param name="Project">The project it belongs to.</param>
/// <param name="State">The aggregate state (STARTING, RUNNING, DEGRADED, STOPPING, STOPPED, COMPLETED).</param>
/// <param name="Wanted">Whether it is wanted running (<c>active</c>) or was stopped.</param>
/// <param name="Generation">1 at creation, +1 per update.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="UpdatedAt">When it last changed.</param>
/// <param name="Components">Each component and the job running it.</param>
internal sealed record GroupResponse(
    string Id, string Name, string Kind, string? Description, string Project, string State, string Wanted, long Generation,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, IReadOnlyList<ComponentResponse> Components)
{
    /// <summary>
    /// On create and update: what the manifest held that Wharf read but does not act on (unset variables, keys only a
    /// container engine uses), each with its field, code and line; absent when there is none.
    /// </summary>
    public IReadOnlyList<Manifests.ManifestProblem>? Warnings { get; init; }

    /// <summary>The response for a create or update, with the manifest's warnings.</summary>
    public static GroupResponse Of(GroupOutcome.Done done)
    {
        ArgumentNullException.ThrowIfNull(done);
        return Of(done.View) with { Warnings = done.Warnings.Count == 0 ? null : done.Warnings };
    }

    /// <summary>The response for <paramref name="view"/>.</summary>
    public static GroupResponse Of(GroupView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var group = view.Group;
        return new GroupResponse(
            group.Id, group.Name, group.Kind, group.Description, group.Owner.Project, view.State, group.State.ToString().ToLowerInvariant(),
            group.Generation, group.CreatedAt, group.UpdatedAt,
            [.. group.Members.Select(m => ComponentResponse.Of(m.Component, m.JobId, view.Jobs.FirstOrDefault(j => j.Id == m.JobId)))]);
    }
}

/// <summary>One component of a group and its job.</summary>
/// <param name="Name">The component's name.</param>
/// <param name="JobId">The job running it.</param>
/// <param name="State">The job's state.</param>
/// <param name="Reason">Why it waits, or how it ended.</param>
/// <param name="Replicas">Its rank count.</param>
/// <param name="Ports">Rank 0's ports as reachable on its node's host, by name (empty until it runs).</param>
/// <param name="Healthy">Whether every rank passes its health check; null without a check or before it runs.</param>
internal sealed record ComponentResponse(
    string Name, string JobId, JobState? State, string? Reason, int Replicas, IReadOnlyDictionary<string, int> Ports, bool? Healthy)
{
    /// <summary>The response for a component run by <paramref name="job"/> (null when the job is gone).</summary>
    public static ComponentResponse Of(string name, string jobId, Job? job)
    {
        var ranks = job?.Status.Ranks ?? [];
        var health = ranks.Select(r => r.Health).ToList();
        bool? healthy = health.Count == 0 || health.All(h => h is null) ? null : health.All(h => h == RankHealth.Healthy);
        return new ComponentResponse(
            name, jobId, job?.Status.State, job?.Status.Reason, job?.Status.Replicas ?? job?.Specification.Replicas ?? 0,
            ranks.Count > 0 ? ranks[0].HostPorts ?? ranks[0].Ports ?? new Dictionary<string, int>() : new Dictionary<string, int>(),
            healthy);
    }
}
