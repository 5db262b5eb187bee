using System.Globalization;

namespace Wharf.Scheduling;

/// <summary>Queue order: one <see cref="QueueRun"/> per queue, queues taken by name.</summary>
internal sealed partial class SchedulingPass
{
    /// <param name="queues">Each queue's index by name.</param>
    /// <param name="sizes">Each queue's number of jobs, by queue index.</param>
    /// <param name="queueOf">Each job's queue index, by job index.</param>
    private QueueRun[] BuildQueues(Dictionary<string, int> queues, List<int> sizes, int[] queueOf)
    {
        var members = new int[sizes.Count][];
        for (var q = 0; q < members.Length; q++) members[q] = new int[sizes[q]];
        var filled = new int[sizes.Count];
        for (var j = 0; j < queueOf.Length; j++) members[queueOf[j]][filled[queueOf[j]]++] = j;

        var policies = new Dictionary<string, QueuePolicy>(StringComparer.Ordinal);
        foreach (var policy in _options.Queues) policies[policy.Name] = policy;

        var rank = new int[_jobs.Length];
        var poolKeys = new Dictionary<string, int>(StringComparer.Ordinal);
        var names = queues.Keys.ToArray();
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

            var ordered = members[queues[names[q]]];
            Order(ordered);
            for (var i = 0; i < ordered.Length; i++) rank[ordered[i]] = i;
            runs[q] = new QueueRun(policy, group, ordered, rank, _aged, _ownerOf, _shares);
        }

        return runs;
    }

    /// <summary>Sorts job indices (in snapshot order) by priority key, then id.</summary>
    private void Order(int[] jobs)
    {
        // The server hands the jobs over in queue order already: then checking it costs a pass, sorting n log n.
        for (var i = 1; i < jobs.Length; i++)
        {
            if (CompareOrder(_jobs[jobs[i - 1]], _jobs[jobs[i]]) > 0)
            {
                Sort(jobs);
                return;
            }
        }
    }

    /// <summary>Sorts job indices by priority key, then id. Sorts compact keys, not the job objects, to stay in cache.</summary>
    private void Sort(int[] jobs)
    {
        var keys = new OrderKey[jobs.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            var job = _jobs[jobs[i]];
            keys[i] = new OrderKey(job.Priority, Numeric(job.Id), jobs[i]);
        }

        Array.Sort(keys, new OrderKeyComparer(_jobs));
        for (var i = 0; i < keys.Length; i++) jobs[i] = keys[i].Index;
    }

    /// <summary>
    /// Compares two jobs of one queue as a pass orders them (see <see cref="OrderKeyComparer"/>). Their ids are read
    /// only on a tie of priority keys, which the server's position keys seldom have.
    /// </summary>
    internal static int CompareOrder(SchedulingJob a, SchedulingJob b)
    {
        var c = a.Priority.CompareTo(b.Priority);
        return c != 0 ? c : CompareIds(a.Id, Numeric(a.Id), b.Id, Numeric(b.Id));
    }

    /// <summary>Numeric ids by value and before other ids, the rest ordinally.</summary>
    private static int CompareIds(string a, long aNumeric, string b, long bNumeric)
    {
        if (aNumeric >= 0 && bNumeric >= 0)
        {
            var c = aNumeric.CompareTo(bNumeric);
            if (c != 0) return c;
        }
        else if (aNumeric >= 0 || bNumeric >= 0)
        {
            return aNumeric >= 0 ? -1 : 1;
        }

        return string.CompareOrdinal(a, b);
    }

    /// <summary>
    /// An id's numeric value, or -1 when it is not a number of at most 18 digits: what <c>long.TryParse</c> with
    /// <see cref="NumberStyles.None"/> accepts (ASCII digits only), without its general parser.
    /// </summary>
    internal static long Numeric(string id)
    {
        if (id.Length is 0 or > 18) return -1;
        long value = 0;
        foreach (var c in id)
        {
            var digit = (uint)(c - '0');
            if (digit > 9) return -1;
            value = (value * 10) + digit;
        }

        return value;
    }

    /// <summary>A job's sort key: its priority, its id's numeric value (-1 when not numeric) and its index.</summary>
    private readonly record struct OrderKey(long Priority, long Numeric, int Index);

    /// <summary>Priority key first (lower first), then id: numeric ids by value and before other ids, the rest ordinally.</summary>
    private sealed class OrderKeyComparer(SchedulingJob[] jobs) : IComparer<OrderKey>
    {
        public int Compare(OrderKey a, OrderKey b)
        {
            var c = a.Priority.CompareTo(b.Priority);
            return c != 0 ? c : CompareIds(jobs[a.Index].Id, a.Numeric, jobs[b.Index].Id, b.Numeric);
        }
    }
}
