using Wharf.Domain.Jobs;

namespace Wharf.Client;

/// <summary>
/// What to browse with <see cref="WharfClient.BrowseJobsAsync"/>: the parameters of <c>GET /api/jobs/browse</c>.
/// Every filter left null matches everything; the server's defaults apply to what is left out.
/// </summary>
public sealed record JobBrowseQuery
{
    /// <summary>Page size (<c>itemsPerPage</c>), 1–1000; null for the server's default.</summary>
    public int? ItemsPerPage { get; init; }

    /// <summary>The opaque token of the page to read (<c>next</c>), from a previous page; null for the first.</summary>
    public string? Next { get; init; }

    /// <summary>Only jobs in one of these states (<c>filterState</c>).</summary>
    public IReadOnlyList<JobState>? States { get; init; }

    /// <summary>Only jobs of this application (<c>filterApplication</c>).</summary>
    public string? Application { get; init; }

    /// <summary>Only jobs of this application version (<c>filterApplicationVersion</c>).</summary>
    public string? ApplicationVersion { get; init; }

    /// <summary>Only jobs created by this user (<c>filterCreatedBy</c>).</summary>
    public string? CreatedBy { get; init; }

    /// <summary>Only jobs of this queue (<c>filterQueue</c>).</summary>
    public string? Queue { get; init; }

    /// <summary>Only jobs of this project (<c>filterProject</c>); admins only, a user sees their own project's jobs anyway.</summary>
    public string? Project { get; init; }

    /// <summary>Only jobs created at or after this time (<c>filterAfter</c>).</summary>
    public DateTimeOffset? CreatedAfter { get; init; }

    /// <summary>Only jobs created before this time (<c>filterBefore</c>).</summary>
    public DateTimeOffset? CreatedBefore { get; init; }

    /// <summary>The order (<c>sortBy</c>); null for the server's default (creation time).</summary>
    public JobBrowseOrder? SortBy { get; init; }

    /// <summary>The direction (<c>sortDirection</c>); null for the server's default (newest first).</summary>
    public JobBrowseDirection? SortDirection { get; init; }
}
