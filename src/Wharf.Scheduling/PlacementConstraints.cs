using System.Text;

namespace Wharf.Scheduling;

/// <summary>
/// Where a job may run and how its ranks are laid out. Treat an instance as immutable once handed to the scheduler:
/// the scheduler caches a key derived from it.
/// </summary>
public sealed class PlacementConstraints
{
    private string? _key;

    /// <summary>No constraint: any schedulable node, bin-packed.</summary>
    public static PlacementConstraints None { get; } = new();

    /// <summary>The product key (<see cref="ProductKey"/>) a node must offer, or null for any node.</summary>
    public string? Product { get; init; }

    /// <summary>Labels a node must carry with exactly these values (an ICOS <c>nodelabel</c>, an architecture, a cluster, a pool).</summary>
    public IReadOnlyDictionary<string, string> RequiredLabels { get; init; } = EmptyLabels.Instance;

    /// <summary>The id of the one node the job must run on (an ICOS node target), or null.</summary>
    public string? TargetNode { get; init; }

    /// <summary>Bin-pack (the default) or spread.</summary>
    public PlacementStrategy Strategy { get; init; }

    /// <summary>
    /// A string equal for equal node filters (product, labels, target; not the strategy), computed once: the
    /// scheduler groups jobs by it so each distinct filter is resolved against the nodes once per pass.
    /// </summary>
    internal string FilterKey => _key ??= BuildKey();

    private string BuildKey()
    {
        var b = new StringBuilder();
        b.Append('P').Append(Product).Append('\0').Append('T').Append(TargetNode).Append('\0');
        foreach (var (k, v) in RequiredLabels.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            b.Append(k).Append('\u0001').Append(v).Append('\0');
        return b.ToString();
    }
}
