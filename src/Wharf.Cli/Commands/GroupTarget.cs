using System.Net;
using Wharf.Client;

namespace Wharf.Cli.Commands;

/// <summary>
/// Finds the group a command names by id (32 hex digits or a dashed UUID) or by name. A name is looked up among the
/// groups the caller sees, within <c>--project</c> when given; a name several projects use must be told apart.
/// </summary>
internal static class GroupTarget
{
    /// <summary>True when <paramref name="text"/> is spelled as a group id rather than a name.</summary>
    public static bool IsId(string text) => Guid.TryParse(text, out _);

    /// <summary>The group <paramref name="idOrName"/> names; a name no group has is answered as the server answers an unknown id (<c>not_found</c>).</summary>
    public static async Task<GroupSummary> FindAsync(WharfClient client, string idOrName, string? project, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (IsId(idOrName))
        {
            return await client.GetGroupAsync(idOrName, cancellationToken).ConfigureAwait(false);
        }

        return await FindByNameAsync(client, idOrName, project, cancellationToken).ConfigureAwait(false)
            ?? throw new WharfApiException(HttpStatusCode.NotFound, "not_found", "Not Found",
                project is null ? $"there is no group named '{idOrName}'" : $"there is no group named '{idOrName}' in project {project}", []);
    }

    /// <summary>The live (not deleted) group named <paramref name="name"/>, or null when there is none.</summary>
    public static async Task<GroupSummary?> FindByNameAsync(WharfClient client, string name, string? project, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var groups = await client.ListGroupsAsync(null, cancellationToken).ConfigureAwait(false);
        var matches = groups
            .Where(g => string.Equals(g.Name, name, StringComparison.Ordinal) && g.Wanted != "deleted")
            .Where(g => project is null || string.Equals(g.Project, project, StringComparison.Ordinal))
            .ToList();
        if (matches.Select(g => g.Project).Distinct(StringComparer.Ordinal).Count() > 1)
        {
            throw new UsageException(
                $"several projects have a group named '{name}' ({string.Join(", ", matches.Select(g => g.Project).Distinct().Order(StringComparer.Ordinal))}): pass --project or the group's id");
        }

        // One project holds one live group of a name when `group up` made them; should there be more, the newest counts.
        return matches.OrderByDescending(g => g.CreatedAt).FirstOrDefault();
    }
}
