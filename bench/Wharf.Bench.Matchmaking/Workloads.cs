using Wharf.Scheduling;

namespace Wharf.Bench.Matchmaking;

/// <summary>The benchmark shapes, generated from a fixed seed so every run schedules the same backlog.</summary>
internal static class Workloads
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private const string Small = "example/example-compute/u1-small";
    private const string Standard = "example/example-compute/u1-standard";
    private const string HighMem = "example/example-compute/u1-highmem";
    private const string Gpu = "example/example-compute/u1-gpu";

    /// <summary>
    /// 5,000 nodes in four kinds (standard, high-memory, GPU, arm64 admission pool), a quarter of their capacity
    /// already in use on average and 1% draining; 50,000 waiting jobs of four products plus heterogeneous
    /// admission-only jobs in three queues (one with fair share over 200 owners), some with label constraints and
    /// spread. The backlog is larger than the free capacity, so the pass both places and explains.
    /// </summary>
    public static (SchedulingSnapshot Snapshot, SchedulerOptions Options) Mixed(int nodeCount = 5_000, int jobCount = 50_000)
    {
        var random = new Random(20261122);
        var nodes = new List<SchedulingNode>(nodeCount);
        for (var i = 0; i < nodeCount; i++)
        {
            var kind = i % 10;
            var (total, products, arch, pool) = kind switch
            {
                < 6 => (new Resources(64_000, 256 * 1024, 0, 2_000_000), new HashSet<string> { Small, Standard }, "amd64", "batch"),
                < 8 => (new Resources(64_000, 1024 * 1024, 0, 2_000_000), new HashSet<string> { HighMem }, "amd64", "batch"),
                8 => (new Resources(32_000, 256 * 1024, 4, 2_000_000), new HashSet<string> { Gpu }, "amd64", "batch"),
                _ => (new Resources(64_000, 256 * 1024, 0, 2_000_000), null, "arm64", "vm"),
            };
            var fraction = random.NextDouble() * 0.5;
            nodes.Add(new SchedulingNode
            {
                Id = $"node-{i:D5}",
                Total = total,
                Allocated = new Resources((long)(total.CpuMillis * fraction), (long)(total.MemoryMiB * fraction), total.Gpu / 2 * random.Next(2), 0),
                Labels = new Dictionary<string, string>
                {
                    ["arch"] = arch,
                    ["cluster"] = $"c{i % 10}",
                    ["node"] = $"node-{i:D5}",
                    ["pool"] = pool,
                    ["driver.process"] = "true",
                },
                Products = products,
                Schedulable = random.Next(100) != 0,
            });
        }

        var jobs = new List<SchedulingJob>(jobCount);
        var sharedConstraints = new Dictionary<string, PlacementConstraints>();
        for (var i = 0; i < jobCount; i++)
        {
            var roll = random.Next(100);
            var spread = random.Next(10) == 0 ? PlacementStrategy.Spread : PlacementStrategy.BinPack;
            var cluster = random.Next(20) == 0 ? $"c{random.Next(10)}" : null;
            IReadOnlyList<Resources> demand;
            string queue;
            string? product;
            string? arch = null;
            if (roll < 45) (demand, queue, product) = (JobDemand.Replicas(new(1_000, 4 * 1024), random.Next(1, 3)), "default", Small);
            else if (roll < 70) (demand, queue, product) = (JobDemand.Replicas(new(4_000, 16 * 1024), random.Next(1, 5)), "default", Standard);
            else if (roll < 82) (demand, queue, product) = (JobDemand.Replicas(new(8_000, 64 * 1024), random.Next(1, 3)), "batch", HighMem);
            else if (roll < 90) (demand, queue, product) = (JobDemand.Replicas(new(8_000, 64 * 1024, 1), random.Next(1, 3)), "batch", Gpu);
            else
            {
                demand = [.. Enumerable.Range(0, random.Next(1, 4)).Select(_ => new Resources(random.Next(1, 5) * 2_000, random.Next(1, 5) * 8 * 1024, 0, 20 * 1024))];
                (queue, product, arch) = ("vm", null, "arm64");
            }

            // Jobs of one product and label set share one constraints object, as a server that caches them would.
            var key = $"{product}|{arch}|{cluster}|{spread}";
            if (!sharedConstraints.TryGetValue(key, out var constraints))
            {
                var labels = new Dictionary<string, string>();
                if (arch is not null) labels["arch"] = arch;
                if (cluster is not null) labels["cluster"] = cluster;
                sharedConstraints[key] = constraints = new PlacementConstraints { Product = product, RequiredLabels = labels, Strategy = spread };
            }

            jobs.Add(new SchedulingJob
            {
                Id = (100_000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture),
                Queue = queue,
                Priority = random.Next(0, 1_000_000),
                Owner = $"project-{random.Next(200)}",
                EnqueuedAt = Now - TimeSpan.FromSeconds(random.Next(0, 3_600)),
                Demand = demand,
                Constraints = constraints,
            });
        }

        var options = new SchedulerOptions
        {
            ReservationAge = TimeSpan.FromMinutes(30),
            MaxReservationsPerQueue = 4,
            Queues =
            [
                new QueuePolicy { Name = "default", FairShare = true },
                new QueuePolicy { Name = "batch" },
                new QueuePolicy { Name = "vm", NodeLabels = new Dictionary<string, string> { ["pool"] = "vm" } },
            ],
        };
        return (new SchedulingSnapshot { Now = Now, Nodes = nodes, Jobs = jobs }, options);
    }

    /// <summary>Armada's ScheduleMany shape: 1,000 empty 32-core nodes and 32,000 one-core jobs in one queue; every job fits.</summary>
    public static (SchedulingSnapshot Snapshot, SchedulerOptions Options) Armada(int nodeCount = 1_000, int jobCount = 32_000)
    {
        var nodes = Enumerable.Range(0, nodeCount).Select(i => new SchedulingNode
        {
            Id = $"node-{i:D4}",
            Total = new Resources(32_000, 256 * 1024),
        }).ToList();
        var demand = JobDemand.Replicas(new Resources(1_000, 4 * 1024), 1);
        var jobs = Enumerable.Range(0, jobCount).Select(i => new SchedulingJob
        {
            Id = i.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Priority = i,
            Owner = "armada",
            EnqueuedAt = Now,
            Demand = demand,
        }).ToList();
        return (new SchedulingSnapshot { Now = Now, Nodes = nodes, Jobs = jobs }, new SchedulerOptions());
    }

    /// <summary>
    /// A server draining a backlog of trivial jobs: 2 nodes of 2 cpu with one job running and one slot free on each,
    /// and 2,000 waiting jobs of one shape (1 cpu) in one queue, in submission order and sharing one demand list and
    /// constraints object, as a server hands them over. Each pass places one job per node and explains the rest, as
    /// every job end of such a run wakes a full pass that changes the fate of one job.
    /// </summary>
    public static (SchedulingSnapshot Snapshot, SchedulerOptions Options) Drain(int jobCount = 2_000)
    {
        var nodes = Enumerable.Range(0, 2).Select(i => new SchedulingNode
        {
            Id = $"node-{i}",
            Total = new Resources(2_000, 8 * 1024),
            Allocated = new Resources(1_000, 0),
            Products = new HashSet<string> { Small },
        }).ToList();
        var demand = JobDemand.Replicas(new Resources(1_000, 0), 1);
        var constraints = new PlacementConstraints { Product = Small };
        var jobs = Enumerable.Range(0, jobCount).Select(i => new SchedulingJob
        {
            Id = (1_000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture),
            Priority = i,
            Owner = "bench",
            EnqueuedAt = Now,
            Demand = demand,
            Constraints = constraints,
        }).ToList();
        return (new SchedulingSnapshot { Now = Now, Nodes = nodes, Jobs = jobs }, new SchedulerOptions());
    }
}
