using Wharf.Domain.Jobs;

namespace Wharf.Storage;

/// <summary>What to browse: filters, order and page. Every filter left null matches everything.</summary>
public sealed record JobQuery
{
    /// <summary>Only jobs of this project; null for every project (admins).</summary>
    public string? Project { get; init; }

    /// <summary>Only jobs in one of these states.</summary>
    public IReadOnlySet<JobState>? States { get; init; }

    /// <summary>Only jobs of this application.</summary>
    public string? ApplicationName { get; init; }

    /// <summary>Only jobs of this application version (with <see cref="ApplicationName"/>).</summary>
    public string? ApplicationVersion { get; init; }

    /// <summary>Only jobs created by this user.</summary>
    public string? CreatedBy { get; init; }

    /// <summary>Only jobs waiting in, or taken from, this queue.</summary>
    public string? Queue { get; init; }

    /// <summary>Only jobs created at or after this time.</summary>
    public DateTimeOffset? CreatedAfter { get; init; }

    /// <summary>Only jobs created before this time.</summary>
    public DateTimeOffset? CreatedBefore { get; init; }

    /// <summary>The order.</summary>
    public JobSortBy SortBy { get; init; } = JobSortBy.CreatedAt;

    /// <summary>Ascending or descending.</summary>
    public SortDirection Direction { get; init; } = SortDirection.Descending;

    /// <summary>Page size, 1–1000.</summary>
    public int ItemsPerPage { get; init; } = 50;

    /// <summary>The opaque token of the page to read, from a previous <see cref="JobPage.Next"/>; null for the first.</summary>
    public string? Next { get; init; }
}

/// <summary>Browse orders. Ties are broken by id, so pages never skip or repeat a job.</summary>
public enum JobSortBy
{
    /// <summary>By creation time.</summary>
    CreatedAt,

    /// <summary>By queue position key (priority): the order in which the queue runs jobs.</summary>
    Priority,
}

/// <summary>A sort direction.</summary>
public enum SortDirection
{
    /// <summary>Smallest first.</summary>
    Ascending,

    /// <summary>Largest first.</summary>
    Descending,
}

/// <summary>A page of jobs (UCloud's <c>PageV2</c>).</summary>
/// <param name="ItemsPerPage">The page size asked for.</param>
/// <param name="Items">The jobs.</param>
/// <param name="Next">The token of the next page, or null after the last.</param>
public sealed record JobPage(int ItemsPerPage, IReadOnlyList<Job> Items, string? Next);

/// <summary>Thrown when a <see cref="JobQuery.Next"/> token cannot be read (tampered, or from another order).</summary>
public sealed class InvalidPageTokenException(string message) : ArgumentException(message);
