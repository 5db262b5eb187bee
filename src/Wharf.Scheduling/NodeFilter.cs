namespace Wharf.Scheduling;

/// <summary>
/// One distinct node filter of a pass (a queue's pool labels plus a job's product, labels and target), resolved
/// once to the positions of the schedulable nodes that pass it, with the fit tree that searches them.
/// </summary>
internal sealed class NodeFilter
{
    private FilterCensus? _census;

    private NodeFilter(int id, string? product, string? target, KeyValuePair<string, string>[] labels, int[] members)
    {
        Id = id;
        Product = product;
        Target = target;
        Labels = labels;
        Members = members;
    }

    public int Id { get; }

    public string? Product { get; }

    public string? Target { get; }

    /// <summary>Required labels, sorted by key then value; two values for one key make the filter empty.</summary>
    public KeyValuePair<string, string>[] Labels { get; }

    /// <summary>Positions of the nodes that pass, in position order.</summary>
    public int[] Members { get; }

    /// <summary>The search tree over <see cref="Members"/>; filters with equal members share one (see <see cref="SchedulingPass"/>).</summary>
    public FitTree? Tree { get; set; }

    /// <summary>How every node fares against this filter's constraints; taken on first need.</summary>
    public FilterCensus Census(NodeTable nodes) => _census ??= FilterCensus.Take(nodes, this);

    /// <summary>The capacity scans taken for this filter, by instance demand; each valid while the pass's capacity version holds.</summary>
    public Dictionary<Resources, CapacityScan> Scans { get; } = [];

    public static NodeFilter Resolve(int id, NodeTable nodes, PlacementConstraints constraints, KeyValuePair<string, string>[] poolLabels)
    {
        var labels = MergeLabels(constraints.RequiredLabels, poolLabels);
        var product = constraints.Product;
        var target = constraints.TargetNode;

        // Start from the smallest index list and check the rest per node: a node-name label or a target costs
        // one lookup instead of a scan of every node.
        int[] start;
        if (target is not null)
        {
            var p = nodes.PositionOf(target);
            start = p >= 0 && nodes.Nodes[p].Schedulable ? [p] : [];
        }
        else
        {
            start = product is null ? nodes.Schedulable : nodes.OfferingProduct(product);
            foreach (var (k, v) in labels)
            {
                var list = nodes.Labelled(k, v);
                if (list.Length < start.Length) start = list;
            }
        }

        var members = new List<int>(start.Length);
        foreach (var p in start)
            if (Passes(nodes.Nodes[p], product, target, labels)) members.Add(p);
        return new NodeFilter(id, product, target, labels, [.. members]);
    }

    /// <summary>True when <paramref name="node"/> is schedulable and passes every check.</summary>
    public bool Passes(SchedulingNode node) => Passes(node, Product, Target, Labels);

    private static bool Passes(SchedulingNode node, string? product, string? target, KeyValuePair<string, string>[] labels)
    {
        if (!node.Schedulable) return false;
        if (target is not null && !string.Equals(node.Id, target, StringComparison.Ordinal)) return false;
        if (product is not null && !node.OffersAnyProduct && !node.Products!.Contains(product)) return false;
        foreach (var (k, v) in labels)
            if (!node.Labels.TryGetValue(k, out var actual) || !string.Equals(actual, v, StringComparison.Ordinal)) return false;
        return true;
    }

    private static KeyValuePair<string, string>[] MergeLabels(IReadOnlyDictionary<string, string> job, KeyValuePair<string, string>[] pool)
    {
        if (job.Count == 0) return pool;
        var all = new List<KeyValuePair<string, string>>(job.Count + pool.Length);
        all.AddRange(job);
        foreach (var kv in pool)
            if (!all.Contains(kv)) all.Add(kv);
        all.Sort(CompareLabels);
        return [.. all];
    }

    public static int CompareLabels(KeyValuePair<string, string> a, KeyValuePair<string, string> b)
    {
        var c = string.CompareOrdinal(a.Key, b.Key);
        return c != 0 ? c : string.CompareOrdinal(a.Value, b.Value);
    }
}
