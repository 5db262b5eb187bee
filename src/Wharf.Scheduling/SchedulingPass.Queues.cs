using System.Globalization;

namespace Wharf.Scheduling;

/// <summary>Queue order: one <see cref="QueueRun"/> per queue, queues taken by name.</summary>
internal sealed partial class SchedulingPass
{
    private QueueRun[] BuildQueues(Dictionary<string, List<int>> byQueue)
    {
        var policies = new Dictionary<string, QueuePolicy>(StringComparer.Ordinal);
        foreach (var policy in _options.Queues) policies[policy.Name] = policy;

        var rank = new int[_jobs.Length];
        var poolKeys = new Dictionary<string, int>(StringComparer.Ordinal);
        var names = byQueue.Keys.ToArray();
        Array.Sort(names, StringComparer.Ordinal);
        var runs = new QueueRun[names.Length];
        for (var q = 0; q < names.Length; q++)
        {
            var policy = policies.GetValueOrDefault(names[q]) ?? new QueuePolicy { Name = names[q] };
            var labels = policy.NodeLabels.ToArray();
            Array.Sort(labels, NodeFilter.CompareLabels);
            var poolKey = string.Join('\0', labels.Select(kv => kv.Key + "\u0001" + kv.Value));
            if (!poolKeys.TryGetValue(poolKey, out var group))
            {
                poolKeys[poolKey] = group = _poolLabels.Count;
                _poolLabels.Add(labels);
                _filters.Add(new Dictionary<string, NodeFilter>(StringComparer.Ordinal));
                _filtersByInstance.Add(new Dictionary<PlacementConstraints, NodeFilter>(ReferenceEqualityComparer.Instance));
            }

            var ordered = Order(byQueue[names[q]]);
            for (var i = 0; i < ordered.Length; i++) rank[ordered[i]] = i;
            runs[q] = new QueueRun(policy, group, ordered, rank, _aged, _ownerOf, _shares);
        }

        return runs;
    }

    /// <summary>The job indices sorted by priority key, then id. Sorts compact keys, not the job objects, to stay in cache.</summary>
    private int[] Order(List<int> jobs)
    {
        var keys = new OrderKey[jobs.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            var job = _jobs[jobs[i]];
            keys[i] = new OrderKey(job.Priority, Numeric(job.Id), jobs[i]);
        }

        // The server hands the jobs over in queue order already: then checking it costs a pass, sorting n log n.
        var comparer = new OrderKeyComparer(_jobs);
        var sorted = true;
        for (var i = 1; i < keys.Length && sorted; i++) sorted = comparer.Compare(keys[i - 1], keys[i]) <= 0;
        if (!sorted) Array.Sort(keys, comparer);
        var ordered = new int[keys.Length];
        for (var i = 0; i < keys.Length; i++) ordered[i] = keys[i].Index;
        return ordered;
    }

    /// <summary>Compares two jobs of one queue as a pass orders them (see <see cref="OrderKeyComparer"/>).</summary>
    internal static int CompareOrder(SchedulingJob a, SchedulingJob b) =>
        new OrderKeyComparer([a, b]).Compare(new OrderKey(a.Priority, Numeric(a.Id), 0), new OrderKey(b.Priority, Numeric(b.Id), 1));

    /// <summary>An id's numeric value, or -1 when it is not a number of at most 18 digits.</summary>
    private static long Numeric(string id) =>
        id.Length <= 18 && long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1;

    /// <summary>A job's sort key: its priority, its id's numeric value (-1 when not numeric) and its index.</summary>
    private readonly record struct OrderKey(long Priority, long Numeric, int Index);

    /// <summary>Priority key first (lower first), then id: numeric ids by value and before other ids, the rest ordinally.</summary>
    private sealed class OrderKeyComparer(SchedulingJob[] jobs) : IComparer<OrderKey>
    {
        public int Compare(OrderKey a, OrderKey b)
        {
            var c = a.Priority.CompareTo(b.Priority);
            if (c != 0) return c;
            if (a.Numeric >= 0 && b.Numeric >= 0)
            {
                c = a.Numeric.CompareTo(b.Numeric);
                if (c != 0) return c;
            }
            else if (a.Numeric >= 0 || b.Numeric >= 0)
            {
                return a.Numeric >= 0 ? -1 : 1;
            }

            return string.CompareOrdinal(jobs[a.Index].Id, jobs[b.Index].Id);
        }
    }
}
