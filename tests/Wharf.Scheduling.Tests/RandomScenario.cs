namespace Wharf.Scheduling.Tests;

/// <summary>A random but reproducible cluster, queue configuration and backlog, from a seed.</summary>
internal sealed class RandomScenario
{
    private static readonly string[] Products = ["p/c/small", "p/c/large", "p/c/gpu"];
    private static readonly string[] Owners = ["alice", "bob", "carol", "dave"];
    private static readonly string[] QueueNames = ["default", "vm", "batch"];
    private static readonly Resources[] CommonShapes =
        [new(1000, 2048), new(2000, 4096), new(4000, 16384), new(8000, 32768), new(1000, 4096, 1), new(16000, 65536)];

    public RandomScenario(int seed, bool fairShareAllowed = true, bool reservationsAllowed = true, bool singleQueue = false)
    {
        var random = new Random(seed);
        Nodes = [.. Enumerable.Range(0, random.Next(1, 25)).Select(i => NewNode(random, i))];
        Jobs = [.. Enumerable.Range(0, random.Next(0, 70)).Select(i => NewJob(random, i, singleQueue))];
        var usage = new Dictionary<string, Resources>();
        foreach (var owner in Owners)
            if (random.Next(2) == 0) usage[owner] = new Resources(random.Next(0, 64_000), random.Next(0, 256) * 1024L, random.Next(0, 3));
        Usage = usage;
        Options = new SchedulerOptions
        {
            ReservationAge = reservationsAllowed && random.Next(2) == 0 ? TimeSpan.FromMinutes(5) : null,
            MaxReservationsPerQueue = random.Next(0, 3),
            Queues = [.. QueueNames.Select(name => new QueuePolicy
            {
                Name = name,
                FairShare = fairShareAllowed && random.Next(2) == 0,
                Backfill = random.Next(4) != 0,
                NodeLabels = name == "vm" && random.Next(2) == 0 ? new Dictionary<string, string> { ["pool"] = "vm" } : new Dictionary<string, string>(),
            })],
        };
    }

    public List<SchedulingNode> Nodes { get; }

    public List<SchedulingJob> Jobs { get; }

    public IReadOnlyDictionary<string, Resources> Usage { get; }

    public SchedulerOptions Options { get; }

    public SchedulingSnapshot Snapshot(IEnumerable<SchedulingJob>? jobs = null, IEnumerable<SchedulingNode>? nodes = null) => new()
    {
        Now = Builders.Now,
        Nodes = (nodes ?? Nodes).ToList(),
        Jobs = (jobs ?? Jobs).ToList(),
        OwnerUsage = Usage,
    };

    public SchedulingPlan Schedule(IEnumerable<SchedulingJob>? jobs = null, IEnumerable<SchedulingNode>? nodes = null) =>
        new Matchmaker(Options).Schedule(Snapshot(jobs, nodes));

    /// <summary>
    /// Gives jobs of equal demands one demand list, and jobs of equal constraints one constraints object, as a server's
    /// jobs of one product share them.
    /// </summary>
    public void ShareEqualDemandsAndConstraints()
    {
        var demands = new Dictionary<string, IReadOnlyList<Resources>>();
        var constraints = new Dictionary<string, PlacementConstraints>();
        for (var i = 0; i < Jobs.Count; i++)
        {
            var job = Jobs[i];
            var c = job.Constraints;
            Jobs[i] = new SchedulingJob
            {
                Id = job.Id,
                Queue = job.Queue,
                Priority = job.Priority,
                Owner = job.Owner,
                EnqueuedAt = job.EnqueuedAt,
                Demand = Shared(demands, string.Join(";", job.Demand), job.Demand),
                Constraints = Shared(constraints, $"{c.Product}|{c.TargetNode}|{string.Join(",", c.RequiredLabels.OrderBy(kv => kv.Key))}|{c.Strategy}", c),
            };
        }

        static T Shared<T>(Dictionary<string, T> pool, string key, T value) => pool.TryGetValue(key, out var first) ? first : pool[key] = value;
    }

    /// <summary>The pool labels of the job's queue plus the job's own.</summary>
    public IEnumerable<KeyValuePair<string, string>> RequiredLabels(SchedulingJob job) =>
        job.Constraints.RequiredLabels.Concat(Options.Queues.FirstOrDefault(q => q.Name == job.Queue)?.NodeLabels ?? new Dictionary<string, string>());

    /// <summary>True when <paramref name="node"/> passes every constraint of <paramref name="job"/> (capacity aside).</summary>
    public bool Allows(SchedulingJob job, SchedulingNode node) =>
        node.Schedulable
        && (job.Constraints.TargetNode is null || job.Constraints.TargetNode == node.Id)
        && (job.Constraints.Product is null || node.Products is null || node.Products.Count == 0 || node.Products.Contains(job.Constraints.Product))
        && RequiredLabels(job).All(kv => node.Labels.TryGetValue(kv.Key, out var v) && v == kv.Value);

    private static SchedulingNode NewNode(Random random, int i)
    {
        var cores = random.Next(1, 5) * 8;
        var total = new Resources(cores * 1000L, cores * random.Next(2, 9) * 1024L, random.Next(4) == 0 ? random.Next(1, 5) : 0, 100 * 1024);
        var used = new Resources(
            (long)(total.CpuMillis * random.NextDouble() * 0.9), (long)(total.MemoryMiB * random.NextDouble() * 0.9),
            random.Next(0, (int)total.Gpu + 1), random.Next(0, 50) * 1024L);
        if (random.Next(3) == 0) used = Resources.Zero;
        return new SchedulingNode
        {
            Id = $"node-{i:D2}",
            Total = total,
            Allocated = used,
            Labels = new Dictionary<string, string>
            {
                ["arch"] = random.Next(3) == 0 ? "arm64" : "amd64",
                ["cluster"] = $"c{random.Next(1, 4)}",
                ["node"] = $"node-{i:D2}",
                ["pool"] = random.Next(2) == 0 ? "vm" : "batch",
            },
            Products = random.Next(3) == 0 ? null : Products.Where(_ => random.Next(2) == 0).ToHashSet(),
            Schedulable = random.Next(10) != 0,
        };
    }

    private static SchedulingJob NewJob(Random random, int i, bool singleQueue)
    {
        var ranks = random.Next(1, 5);
        var rank = RandomDemand(random);
        IReadOnlyList<Resources> demand = random.Next(4) == 0
            ? [.. Enumerable.Range(0, ranks).Select(_ => RandomDemand(random))]
            : JobDemand.Replicas(rank, ranks);
        var labels = new Dictionary<string, string>();
        if (random.Next(4) == 0) labels["arch"] = random.Next(2) == 0 ? "arm64" : "amd64";
        if (random.Next(6) == 0) labels["cluster"] = $"c{random.Next(1, 4)}";
        return new SchedulingJob
        {
            Id = random.Next(3) == 0 ? $"job-{i}" : $"{i}",
            Queue = singleQueue ? "default" : QueueNames[random.Next(QueueNames.Length)],
            Priority = random.Next(0, 15),
            Owner = Owners[random.Next(Owners.Length)],
            EnqueuedAt = Builders.Now - TimeSpan.FromMinutes(random.Next(0, 12)),
            Demand = demand,
            Constraints = new PlacementConstraints
            {
                Product = random.Next(2) == 0 ? Products[random.Next(Products.Length)] : null,
                RequiredLabels = labels,
                TargetNode = random.Next(15) == 0 ? $"node-{random.Next(0, 30):D2}" : null,
                Strategy = random.Next(3) == 0 ? PlacementStrategy.Spread : PlacementStrategy.BinPack,
            },
        };
    }

    /// <summary>Mostly a few common shapes (as products make them), so identical demands meet different filters.</summary>
    private static Resources RandomDemand(Random random) => random.Next(3) != 0 ? CommonShapes[random.Next(CommonShapes.Length)] : new(
        random.Next(1, 33) * 500L, random.Next(1, 65) * 512L, random.Next(8) == 0 ? random.Next(1, 3) : 0, random.Next(4) == 0 ? random.Next(1, 20) * 1024L : 0);
}
