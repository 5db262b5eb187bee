namespace Wharf.Client;

public partial class WharfClient
{
    /// <summary>
    /// Creates a job group from a manifest (<c>POST /api/groups</c>): each component becomes a job, wired to its peers by
    /// name. An admin's token, which acts for no project, names <paramref name="project"/>; a user's may name only its
    /// own. A retry with the same <paramref name="idempotencyKey"/> returns the same group.
    /// </summary>
    public Task<GroupSummary> CreateGroupAsync(
        GroupManifestRequest request, string? project, string? idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var headers = idempotencyKey is null ? null : new Dictionary<string, string> { [IdempotencyKeyHeader] = idempotencyKey };
        var route = project is null ? "api/groups" : "api/groups?project=" + Uri.EscapeDataString(project);
        return PostAsync<GroupManifestRequest, GroupSummary>(route, request, cancellationToken, headers);
    }

    /// <summary>The groups the caller may see, oldest first (<c>GET /api/groups</c>); of one kind when <paramref name="kind"/> is given.</summary>
    public async Task<IReadOnlyList<GroupSummary>> ListGroupsAsync(string? kind, CancellationToken cancellationToken)
    {
        var route = string.IsNullOrEmpty(kind) ? "api/groups" : "api/groups?kind=" + Uri.EscapeDataString(kind);
        return await GetAsync<List<GroupSummary>>(route, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One group with its components' jobs (<c>GET /api/groups/{id}</c>); a deleted group or another project's answers <c>not_found</c>.</summary>
    public Task<GroupSummary> GetGroupAsync(string id, CancellationToken cancellationToken) =>
        GetAsync<GroupSummary>(GroupRoute(id), cancellationToken);

    /// <summary>
    /// Gives a group a new manifest (<c>PUT /api/groups/{id}</c>): new and changed components get new jobs, removed
    /// ones are terminated, unchanged running ones stay; a stopped group starts again.
    /// </summary>
    public Task<GroupSummary> UpdateGroupAsync(string id, GroupManifestRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendAsync<GroupSummary>(HttpMethod.Put, GroupRoute(id), JsonBody(request), cancellationToken);
    }

    /// <summary>Terminates every job of a group and keeps it, stopped (<c>POST /api/groups/{id}/stop</c>); an update starts it again.</summary>
    public Task<GroupSummary> StopGroupAsync(string id, CancellationToken cancellationToken) =>
        SendAsync<GroupSummary>(HttpMethod.Post, GroupRoute(id) + "/stop", null, cancellationToken);

    /// <summary>Terminates every job of a group and deletes it (<c>DELETE /api/groups/{id}</c>); the answer is its last view.</summary>
    public Task<GroupSummary> DeleteGroupAsync(string id, CancellationToken cancellationToken) =>
        SendAsync<GroupSummary>(HttpMethod.Delete, GroupRoute(id), null, cancellationToken);

    private static string GroupRoute(string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return "api/groups/" + Uri.EscapeDataString(id);
    }
}
