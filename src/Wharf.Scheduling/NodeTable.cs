namespace Wharf.Scheduling;

/// <summary>
/// The nodes of one pass in the scheduler's own order, with their capacity in flat arrays (indexed by position) and
/// lazy indexes from product and label to the schedulable positions that match.
/// </summary>
/// <remarks>
/// Positions order nodes by how allocated they were when the pass began (most first), then by id. Bin-packing is
/// first fit in that order, so it fills busy nodes before touching empty ones, and every index list is sorted by
/// position, so filtering keeps that order for free.
/// </remarks>
internal sealed class NodeTable
{
    private readonly Dictionary<string, int> _positionById;
    private readonly double[] _cpuShare;
    private readonly double[] _memoryShare;
    private readonly double[] _gpuShare;
    private readonly Dictionary<string, Dictionary<string, int[]>> _byLabel = new(StringComparer.Ordinal);
    private Dictionary<string, int[]>? _byProduct;
    private int[] _anyProduct = [];

    private NodeTable(SchedulingNode[] nodes, Dictionary<string, int> positionById)
    {
        Nodes = nodes;
        _positionById = positionById;
        var n = nodes.Length;
        Total = new Resources[n];
        Avail = new Resources[n];
        Held = new Resources[n];
        Holder = new int[n];
        _cpuShare = new double[n];
        _memoryShare = new double[n];
        _gpuShare = new double[n];
        var schedulable = new List<int>(n);
        for (var p = 0; p < n; p++)
        {
            var node = nodes[p];
            Total[p] = node.Total;
            Avail[p] = node.Free;
            Holder[p] = -1;
            _cpuShare[p] = node.Total.CpuMillis > 0 ? 1.0 / node.Total.CpuMillis : 0;
            _memoryShare[p] = node.Total.MemoryMiB > 0 ? 1.0 / node.Total.MemoryMiB : 0;
            _gpuShare[p] = node.Total.Gpu > 0 ? 1.0 / node.Total.Gpu : 0;
            if (node.Schedulable)
            {
                schedulable.Add(p);
                ClusterTotal += node.Total;
            }
        }

        Schedulable = [.. schedulable];
    }

    /// <summary>The nodes by position.</summary>
    public SchedulingNode[] Nodes { get; }

    /// <summary>Each node's total capacity.</summary>
    public Resources[] Total { get; }

    /// <summary>What later jobs of the pass may still use: free capacity minus what the pass placed and held. May go negative when held.</summary>
    public Resources[] Avail { get; }

    /// <summary>Capacity withheld for starving jobs (already subtracted from <see cref="Avail"/>).</summary>
    public Resources[] Held { get; }

    /// <summary>The job index of the first job holding capacity on each node, or -1.</summary>
    public int[] Holder { get; }

    /// <summary>The positions of schedulable nodes, in order.</summary>
    public int[] Schedulable { get; }

    /// <summary>The sum of the schedulable nodes' totals: the denominator of fair-share dominant shares.</summary>
    public Resources ClusterTotal { get; }

    public int Count => Nodes.Length;

    public static NodeTable Build(IReadOnlyList<SchedulingNode> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var n = nodes.Count;
        var items = new SchedulingNode[n];
        var load = new double[n];
        for (var i = 0; i < n; i++)
        {
            var node = nodes[i] ?? throw new ArgumentException("A node is null.", nameof(nodes));
            items[i] = node;
            load[i] = Load(node);
        }

        var order = new int[n];
        for (var i = 0; i < n; i++) order[i] = i;
        Array.Sort(order, (a, b) =>
        {
            var c = load[b].CompareTo(load[a]);
            return c != 0 ? c : string.CompareOrdinal(items[a].Id, items[b].Id);
        });

        var sorted = new SchedulingNode[n];
        var byId = new Dictionary<string, int>(n, StringComparer.Ordinal);
        for (var p = 0; p < n; p++)
        {
            sorted[p] = items[order[p]];
            if (!byId.TryAdd(sorted[p].Id, p))
                throw new ArgumentException($"Node id '{sorted[p].Id}' appears twice in the snapshot.", nameof(nodes));
        }

        return new NodeTable(sorted, byId);
    }

    /// <summary>The position of the node with <paramref name="id"/>, or -1.</summary>
    public int PositionOf(string id) => _positionById.GetValueOrDefault(id, -1);

    /// <summary>How empty a node is now: the free shares of CPU, memory and GPU summed; spreading prefers the highest.</summary>
    public double SpreadScore(int position)
    {
        ref readonly var a = ref Avail[position];
        return (a.CpuMillis * _cpuShare[position]) + (a.MemoryMiB * _memoryShare[position]) + (a.Gpu * _gpuShare[position]);
    }

    /// <summary>Schedulable positions offering <paramref name="product"/> (nodes that take any product included).</summary>
    public int[] OfferingProduct(string product)
    {
        if (_byProduct is null)
        {
            var lists = new Dictionary<string, List<int>>(StringComparer.Ordinal);
            var any = new List<int>();
            foreach (var p in Schedulable)
            {
                var node = Nodes[p];
                if (node.OffersAnyProduct)
                {
                    any.Add(p);
                    continue;
                }

                foreach (var key in node.Products!)
                {
                    if (!lists.TryGetValue(key, out var list)) lists[key] = list = [];
                    list.Add(p);
                }
            }

            _anyProduct = [.. any];
            _byProduct = new Dictionary<string, int[]>(StringComparer.Ordinal);
            foreach (var (key, list) in lists) _byProduct[key] = Merge(_anyProduct, list);
        }

        return _byProduct.TryGetValue(product, out var found) ? found : _anyProduct;
    }

    /// <summary>Schedulable positions whose label <paramref name="key"/> equals <paramref name="value"/>.</summary>
    public int[] Labelled(string key, string value)
    {
        if (!_byLabel.TryGetValue(key, out var byValue))
        {
            var lists = new Dictionary<string, List<int>>(StringComparer.Ordinal);
            foreach (var p in Schedulable)
            {
                if (!Nodes[p].Labels.TryGetValue(key, out var v)) continue;
                if (!lists.TryGetValue(v, out var list)) lists[v] = list = [];
                list.Add(p);
            }

            byValue = new Dictionary<string, int[]>(lists.Count, StringComparer.Ordinal);
            foreach (var (v, list) in lists) byValue[v] = [.. list];
            _byLabel[key] = byValue;
        }

        return byValue.TryGetValue(value, out var found) ? found : [];
    }

    private static double Load(SchedulingNode node)
    {
        double sum = 0;
        var dims = 0;
        Add(node.Total.CpuMillis, node.Allocated.CpuMillis);
        Add(node.Total.MemoryMiB, node.Allocated.MemoryMiB);
        Add(node.Total.Gpu, node.Allocated.Gpu);
        Add(node.Total.DiskMiB, node.Allocated.DiskMiB);
        return dims == 0 ? 0 : sum / dims;

        void Add(long total, long used)
        {
            if (total <= 0) return;
            sum += (double)used / total;
            dims++;
        }
    }

    private static int[] Merge(int[] a, List<int> b)
    {
        var result = new int[a.Length + b.Count];
        int i = 0, j = 0, k = 0;
        while (i < a.Length && j < b.Count) result[k++] = a[i] < b[j] ? a[i++] : b[j++];
        while (i < a.Length) result[k++] = a[i++];
        while (j < b.Count) result[k++] = b[j++];
        return result;
    }
}
