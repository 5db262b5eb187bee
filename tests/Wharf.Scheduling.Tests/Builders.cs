namespace Wharf.Scheduling.Tests;

/// <summary>Short builders for nodes, jobs and snapshots: cores and GiB as people write them.</summary>
internal static class Builders
{
    public static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    public static Resources Res(double cpu, double memGiB = 1, long gpu = 0, double diskGiB = 0) =>
        new((long)(cpu * 1000), (long)(memGiB * 1024), gpu, (long)(diskGiB * 1024));

    public static SchedulingNode Node(
        string id, double cpu = 8, double memGiB = 32, long gpu = 0, double usedCpu = 0, double usedMemGiB = 0,
        string? labels = null, string? products = null, bool schedulable = true) => new()
        {
            Id = id,
            Total = Res(cpu, memGiB, gpu),
            Allocated = Res(usedCpu, usedMemGiB),
            Labels = ParseLabels(labels),
            Products = products is null ? null : new HashSet<string>(products.Split(','), StringComparer.Ordinal),
            Schedulable = schedulable,
        };

    public static SchedulingJob Job(
        string id, double cpu = 1, double memGiB = 1, int ranks = 1, long gpu = 0, long priority = 0,
        string queue = "default", string owner = "", string? product = null, string? labels = null,
        string? target = null, PlacementStrategy strategy = PlacementStrategy.BinPack, TimeSpan? age = null,
        IReadOnlyList<Resources>? instances = null) => new()
        {
            Id = id,
            Queue = queue,
            Priority = priority,
            Owner = owner,
            EnqueuedAt = Now - (age ?? TimeSpan.Zero),
            Demand = instances ?? JobDemand.Replicas(Res(cpu, memGiB, gpu), ranks),
            Constraints = new PlacementConstraints
            {
                Product = product,
                RequiredLabels = ParseLabels(labels),
                TargetNode = target,
                Strategy = strategy,
            },
        };

    public static SchedulingSnapshot Snapshot(IEnumerable<SchedulingNode> nodes, IEnumerable<SchedulingJob> jobs, IReadOnlyDictionary<string, Resources>? usage = null) => new()
    {
        Now = Now,
        Nodes = nodes.ToList(),
        Jobs = jobs.ToList(),
        OwnerUsage = usage ?? new Dictionary<string, Resources>(),
    };

    public static SchedulingPlan Schedule(IEnumerable<SchedulingNode> nodes, IEnumerable<SchedulingJob> jobs, SchedulerOptions? options = null) =>
        new Matchmaker(options ?? new SchedulerOptions { ReservationAge = null }).Schedule(Snapshot(nodes, jobs));

    /// <summary>Where each placed job went: job id → comma-joined node ids.</summary>
    public static Dictionary<string, string> Where(this SchedulingPlan plan) =>
        plan.Placements.ToDictionary(p => p.JobId, p => string.Join(",", p.NodeIds));

    public static IReadOnlyDictionary<string, string> ParseLabels(string? labels) =>
        string.IsNullOrEmpty(labels)
            ? new Dictionary<string, string>()
            : labels.Split(',').Select(kv => kv.Split('=')).ToDictionary(kv => kv[0], kv => kv[1], StringComparer.Ordinal);
}
