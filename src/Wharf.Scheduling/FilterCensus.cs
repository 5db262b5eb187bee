namespace Wharf.Scheduling;

/// <summary>
/// How every node of the snapshot fares against one filter's constraints (drain, target, product, labels), counted
/// once per filter and pass: each node under the first check it fails. Capacity is counted per shape on top of it.
/// </summary>
internal sealed class FilterCensus
{
    private FilterCensus(Dictionary<string, int> counts, string? noMatchReason)
    {
        Counts = counts;
        NoMatchReason = noMatchReason;
    }

    /// <summary>Nodes failing each constraint; the nodes that pass are the filter's members.</summary>
    public Dictionary<string, int> Counts { get; }

    /// <summary>Why no node passes, naming the constraint that removed the last candidates; null when some pass.</summary>
    public string? NoMatchReason { get; }

    public static FilterCensus Take(NodeTable nodes, NodeFilter filter)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        int schedulable = 0, withProduct = 0, matching = 0;
        var labelKeys = filter.Labels.Select(kv => NodeFailures.Label(kv.Key, kv.Value)).ToArray();
        for (var p = 0; p < nodes.Count; p++)
        {
            var node = nodes.Nodes[p];
            if (!node.Schedulable) { Count(NodeFailures.NotSchedulable); continue; }
            schedulable++;
            if (filter.Target is not null && !string.Equals(node.Id, filter.Target, StringComparison.Ordinal)) { Count(NodeFailures.NotTargetNode); continue; }
            if (filter.Product is not null && !node.OffersAnyProduct && !node.Products!.Contains(filter.Product)) { Count(NodeFailures.ProductNotOffered); continue; }
            withProduct++;
            var missing = MissingLabel(node, filter.Labels);
            if (missing >= 0) { Count(labelKeys[missing]); continue; }
            matching++;
        }

        return new FilterCensus(counts, matching > 0 ? null : NoMatch(nodes, filter, schedulable, withProduct));

        void Count(string key) => counts[key] = counts.GetValueOrDefault(key) + 1;
    }

    private static string NoMatch(NodeTable nodes, NodeFilter filter, int schedulable, int withProduct)
    {
        if (nodes.Count == 0) return "waiting: no nodes are registered";
        if (schedulable == 0) return nodes.Count == 1 ? "waiting: the only node is not schedulable" : $"waiting: all {nodes.Count} nodes are not schedulable";
        if (filter.Target is not null)
        {
            var p = nodes.PositionOf(filter.Target);
            if (p < 0) return $"waiting: target node {filter.Target} is not known";
            if (!nodes.Nodes[p].Schedulable) return $"waiting: target node {filter.Target} is not schedulable";
            if (withProduct == 0) return $"waiting: target node {filter.Target} does not offer product {filter.Product}";
            return $"waiting: target node {filter.Target} lacks {LabelText(filter.Labels)}";
        }

        if (withProduct == 0) return $"waiting: no node offers product {filter.Product}";
        var offering = filter.Product is null ? "" : $" offering product {filter.Product}";
        return $"waiting: no node{offering} has {LabelText(filter.Labels)}";
    }

    private static string LabelText(KeyValuePair<string, string>[] labels) =>
        (labels.Length == 1 ? "label " : "labels ") + string.Join(", ", labels.Select(kv => $"{kv.Key}={kv.Value}"));

    private static int MissingLabel(SchedulingNode node, KeyValuePair<string, string>[] labels)
    {
        for (var i = 0; i < labels.Length; i++)
            if (!node.Labels.TryGetValue(labels[i].Key, out var v) || !string.Equals(v, labels[i].Value, StringComparison.Ordinal)) return i;
        return -1;
    }
}
