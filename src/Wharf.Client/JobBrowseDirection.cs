namespace Wharf.Client;

/// <summary>Sort directions of <c>GET /api/jobs/browse</c> (<c>sortDirection</c>).</summary>
public enum JobBrowseDirection
{
    /// <summary>Smallest first (<c>ascending</c>).</summary>
    Ascending,

    /// <summary>Largest first (<c>descending</c>).</summary>
    Descending,
}
