using System.Diagnostics;
using System.Globalization;
using Wharf.Bench.Matchmaking;
using Wharf.Scheduling;

// In-process matchmaking benchmark: the real scheduler over generated snapshots, several passes each.
// Figures compared: kube-scheduler's scheduler_perf gate at 5,000 nodes (~810 pods/s) and Armada's ScheduleMany
// (1,000 nodes, 32,000 jobs: ~0.6 s per round).
const double KubeSchedulerPodsPerSecond = 810;
const double ArmadaSecondsPerRound = 0.6;
if (args.Length > 0 && args[0] == "drain")
{
    MeasureDrain(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2_000);
    return;
}

var passes = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 30;

Console.WriteLine($"Wharf matchmaking benchmark: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {passes} measured passes per workload");
Console.WriteLine();

var mixed = Measure("mixed: 50,000 jobs / 5,000 nodes", Workloads.Mixed(), passes);
Console.WriteLine($"  vs kube-scheduler (~{KubeSchedulerPodsPerSecond:N0} pods/s at 5,000 nodes): {mixed.PlacementsPerSecond / KubeSchedulerPodsPerSecond:N0}x (jobs), {mixed.InstancesPerSecond / KubeSchedulerPodsPerSecond:N0}x (ranks)");
Console.WriteLine($"  goal >= 100,000 placements/s: {(mixed.PlacementsPerSecond >= 100_000 ? "met" : "MISSED")}");
Console.WriteLine();

var armada = Measure("armada: 32,000 jobs / 1,000 nodes", Workloads.Armada(), passes);
Console.WriteLine($"  vs Armada ScheduleMany (~{ArmadaSecondsPerRound:0.0} s per round): {ArmadaSecondsPerRound / armada.P50Seconds:N1}x faster at p50, {ArmadaSecondsPerRound / armada.P99Seconds:N1}x at p99");
Console.WriteLine($"  vs kube-scheduler: {armada.PlacementsPerSecond / KubeSchedulerPodsPerSecond:N0}x");

static Result Measure(string name, (SchedulingSnapshot Snapshot, SchedulerOptions Options) workload, int passes)
{
    var matchmaker = new Matchmaker(workload.Options);
    for (var i = 0; i < 3; i++) matchmaker.Schedule(workload.Snapshot);

    // Wall time is the figure; CPU time (the whole process, GC included) is printed beside it because on a shared
    // machine other processes stretch wall time but not the work done.
    var times = new double[passes];
    var cpu = new double[passes];
    var self = Process.GetCurrentProcess();
    SchedulingPlan? plan = null;
    var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
    var collectionsBefore = GC.CollectionCount(0);
    for (var i = 0; i < passes; i++)
    {
        self.Refresh();
        var cpuBefore = self.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        plan = matchmaker.Schedule(workload.Snapshot);
        times[i] = clock.Elapsed.TotalSeconds;
        self.Refresh();
        cpu[i] = (self.TotalProcessorTime - cpuBefore).TotalSeconds;
    }

    var allocatedPerPass = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / (double)passes;
    var collectionsPerPass = (GC.CollectionCount(0) - collectionsBefore) / (double)passes;
    Array.Sort(times);
    Array.Sort(cpu);
    var stats = plan!.Statistics;
    var p50 = Percentile(times, 0.50);
    var p99 = Percentile(times, 0.99);
    var result = new Result(stats.JobsPlaced / p50, stats.InstancesPlaced / p50, p50, p99);
    Console.WriteLine(name);
    Console.WriteLine($"  jobs {workload.Snapshot.Jobs.Count:N0}, nodes {workload.Snapshot.Nodes.Count:N0}: placed {stats.JobsPlaced:N0} jobs ({stats.InstancesPlaced:N0} ranks), waiting {plan.Waiting.Count:N0}, skipped by shape {stats.JobsSkippedByShape:N0}, node filters {stats.NodeFilters}, reservations {stats.Reservations}");
    Console.WriteLine($"  pass time p50 {p50 * 1000:N1} ms, p99 {p99 * 1000:N1} ms, min {times[0] * 1000:N1} ms; process CPU per pass p50 {Percentile(cpu, 0.5) * 1000:N1} ms");
    Console.WriteLine($"  allocated per pass {allocatedPerPass / (1024 * 1024):N1} MiB, GCs per pass {collectionsPerPass:N1}");
    Console.WriteLine($"  placements/s (at p50): {result.PlacementsPerSecond:N0} jobs, {result.InstancesPerSecond:N0} ranks; jobs decided/s {workload.Snapshot.Jobs.Count / p50:N0}");
    return result;
}

// The pattern of a server draining a backlog of trivial jobs on a small node: many passes that each place a job or
// two and explain the rest again. Per-pass cost (time, allocation) is the figure, not placements per second.
static void MeasureDrain(int passes)
{
    var (snapshot, options) = Workloads.Drain();
    var matchmaker = new Matchmaker(options);
    for (var i = 0; i < 1_000; i++) QuietPass.Of(options, snapshot, matchmaker.Schedule(snapshot));

    var times = new double[passes];
    var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
    var collectionsBefore = GC.CollectionCount(0);
    var self = Process.GetCurrentProcess();
    var cpuBefore = self.TotalProcessorTime;
    SchedulingPlan? plan = null;
    for (var i = 0; i < passes; i++)
    {
        var clock = Stopwatch.StartNew();
        plan = matchmaker.Schedule(snapshot);
        QuietPass.Of(options, snapshot, plan);
        times[i] = clock.Elapsed.TotalSeconds;
    }

    self.Refresh();
    var cpuPerPass = (self.TotalProcessorTime - cpuBefore).TotalSeconds / passes;
    var allocatedPerPass = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / (double)passes;
    var collectionsPerPass = (GC.CollectionCount(0) - collectionsBefore) / (double)passes;
    Array.Sort(times);
    Console.WriteLine($"drain: {snapshot.Jobs.Count:N0} waiting jobs of one shape / {snapshot.Nodes.Count} nodes with one free slot each, {passes:N0} passes");
    Console.WriteLine($"  placed {plan!.Statistics.JobsPlaced} jobs, waiting {plan.Waiting.Count:N0} per pass");
    Console.WriteLine($"  pass time p50 {Percentile(times, 0.5) * 1e6:N0} us, p99 {Percentile(times, 0.99) * 1e6:N0} us; process CPU per pass {cpuPerPass * 1e6:N0} us");
    Console.WriteLine($"  allocated per pass {allocatedPerPass / 1024:N1} KiB, GCs per pass {collectionsPerPass:N3}");
}

static double Percentile(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];

internal sealed record Result(double PlacementsPerSecond, double InstancesPerSecond, double P50Seconds, double P99Seconds);
