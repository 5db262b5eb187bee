namespace Wharf.Scheduling;

/// <summary>How the ranks of a job are spread over the nodes that can take them.</summary>
public enum PlacementStrategy
{
    /// <summary>
    /// The default: fill the busiest nodes first (first fit over nodes ordered by how allocated they were when the
    /// pass began, then by id), leaving whole nodes free for large jobs.
    /// </summary>
    BinPack = 0,

    /// <summary>Put each rank on the node with the most free capacity (CPU, memory and GPU shares summed), spreading load.</summary>
    Spread = 1,
}
