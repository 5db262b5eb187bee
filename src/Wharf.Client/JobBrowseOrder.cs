namespace Wharf.Client;

/// <summary>The orders <c>GET /api/jobs/browse</c> offers (<c>sortBy</c>).</summary>
public enum JobBrowseOrder
{
    /// <summary>By creation time (<c>createdAt</c>).</summary>
    CreatedAt,

    /// <summary>By queue position key (<c>priority</c>): the order in which a queue runs its jobs.</summary>
    Priority,
}
