using static Wharf.Scheduling.Tests.Builders;

namespace Wharf.Scheduling.Tests;

/// <summary>
/// <see cref="QuietPass"/>: after a pass that placed and held nothing, a new job is explained exactly as a full pass
/// over the old jobs plus the new ones would explain it, or declined so that a full pass runs.
/// </summary>
public class QuietPassTests
{
    private static readonly SchedulerOptions NoReservations = new() { ReservationAge = null };

    [Fact]
    public void WithNoNodes_ANewJobGetsTheReasonAFullPassGives()
    {
        var old = new[] { Job("1"), Job("2", cpu: 2) };

        var (quiet, _) = Quiet([], old);
        var appended = quiet.Append(Job("3"), Now);

        AssertSameAsFullPass([], [.. old, Job("3")], "3", appended);
        Assert.Contains("no node", appended!.Reason, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void WithNodesFull_ANewJobOfAFailedShapeGetsItsFailure_AndCountsTheJobsAhead()
    {
        SchedulingNode[] nodes = [Node("a", cpu: 4, usedCpu: 4), Node("b", cpu: 8, usedCpu: 7.5)];
        var old = new[] { Job("1", cpu: 2), Job("2", cpu: 1), Job("3", cpu: 2, ranks: 2) };

        var (quiet, _) = Quiet(nodes, old);
        var appended = quiet.Append(Job("4", cpu: 2, ranks: 2), Now);

        AssertSameAsFullPass(nodes, [.. old, Job("4", cpu: 2, ranks: 2)], "4", appended);
        Assert.Equal(3, appended!.JobsAhead);
        Assert.Equal(2, appended.NodeFailures["insufficient cpu"]);
    }

    [Fact]
    public void JobsSharingTheirConstraintsButNotTheirDemand_EachLeaveTheirShapesFailure()
    {
        SchedulingNode[] nodes = [Node("a", cpu: 8, usedCpu: 7)];
        var constraints = new PlacementConstraints();
        var small = JobDemand.Replicas(Res(2), 1);
        var large = JobDemand.Replicas(Res(4), 1);
        SchedulingJob Shaped(string id, IReadOnlyList<Resources> demand) =>
            new() { Id = id, EnqueuedAt = Now, Demand = demand, Constraints = constraints };
        var old = new[] { Shaped("1", small), Shaped("2", small), Shaped("3", large) };

        var (quiet, _) = Quiet(nodes, old);
        var appended = quiet.Append(Shaped("4", large), Now);

        AssertSameAsFullPass(nodes, [.. old, Shaped("4", large)], "4", appended);
    }

    [Fact]
    public void ANewJobOfAShapeThePassNeverTried_IsDeclined_EvenWhenItWouldNotFit()
    {
        SchedulingNode[] nodes = [Node("a", cpu: 4, usedCpu: 3)];
        var (quiet, _) = Quiet(nodes, [Job("1", cpu: 2)]);

        Assert.Null(quiet.Append(Job("2", cpu: 0.5), Now));
        Assert.Single(Schedule(nodes, [Job("1", cpu: 2), Job("2", cpu: 0.5)], NoReservations).Placements);
        Assert.Null(quiet.Append(Job("3", cpu: 3), Now));
    }

    [Fact]
    public void ANewJobAheadOfTheLastInItsQueue_IsDeclined()
    {
        SchedulingNode[] nodes = [Node("a", cpu: 1, usedCpu: 1)];
        var (quiet, _) = Quiet(nodes, [Job("5", priority: 10), Job("6", priority: 10)]);

        Assert.Null(quiet.Append(Job("7", priority: 9), Now));
        Assert.Null(quiet.Append(Job("1", priority: 10), Now));
        Assert.NotNull(quiet.Append(Job("7", priority: 10), Now));
    }

    [Fact]
    public void InAQueueWithoutBackfill_ANewJobWaitsBehindTheOthers_AsAFullPassSays()
    {
        var options = new SchedulerOptions { ReservationAge = null, Queues = [new QueuePolicy { Name = "strict", Backfill = false }] };
        SchedulingNode[] nodes = [Node("a", cpu: 4, usedCpu: 3)];
        var old = new[] { Job("1", cpu: 2, queue: "strict"), Job("2", cpu: 1, queue: "strict") };

        var (quiet, _) = Quiet(nodes, old, options);
        var appended = quiet.Append(Job("3", cpu: 0.5, queue: "strict"), Now);

        AssertSameAsFullPass(nodes, [.. old, Job("3", cpu: 0.5, queue: "strict")], "3", appended, options);
        Assert.Equal("waiting: 2 jobs ahead in queue strict", appended!.Reason);
        Assert.False(appended.Evaluated);
    }

    [Fact]
    public void AFairShareQueue_IsDeclined()
    {
        var options = new SchedulerOptions { ReservationAge = null, Queues = [new QueuePolicy { Name = "fair", FairShare = true }] };
        var (quiet, _) = Quiet([], [Job("1", queue: "fair", owner: "alice")], options);

        Assert.Null(quiet.Append(Job("2", queue: "fair", owner: "bob"), Now));
    }

    [Fact]
    public void OnceAJobIsOldEnoughToHoldCapacity_OnlyAFullPassWillDo()
    {
        var options = new SchedulerOptions { ReservationAge = TimeSpan.FromMinutes(5) };
        SchedulingNode[] nodes = [Node("a", cpu: 4, usedCpu: 3)];
        var (quiet, _) = Quiet(nodes, [Job("1", cpu: 2, age: TimeSpan.FromMinutes(1))], options);

        Assert.Equal(Now + TimeSpan.FromMinutes(4), quiet.NextAging);
        Assert.NotNull(quiet.Append(Job("2", cpu: 2), Now + TimeSpan.FromMinutes(3)));
        Assert.Null(quiet.Append(Job("3", cpu: 2, age: TimeSpan.FromMinutes(6)), Now));
        Assert.Null(quiet.Append(Job("4", cpu: 2), Now + TimeSpan.FromMinutes(4)));
    }

    [Fact]
    public void APassThatPlacedOrHeld_LeavesNothingToAppendTo()
    {
        var options = new SchedulerOptions { ReservationAge = TimeSpan.FromMinutes(5) };
        SchedulingNode[] nodes = [Node("a", cpu: 4, usedCpu: 3)];
        SchedulingJob[] placing = [Job("1", cpu: 1)];
        SchedulingJob[] holding = [Job("2", cpu: 2, age: TimeSpan.FromMinutes(10))];

        var placed = new Matchmaker(options).Schedule(Snapshot(nodes, placing));
        var held = new Matchmaker(options).Schedule(Snapshot(nodes, holding));

        Assert.Single(placed.Placements);
        Assert.Single(held.Reservations);
        Assert.Null(QuietPass.Of(options, Snapshot(nodes, placing), placed));
        Assert.Null(QuietPass.Of(options, Snapshot(nodes, holding), held));
    }

    /// <summary>
    /// Over random clusters run until a pass places nothing: every job appended in turn gets exactly what a full pass
    /// over all jobs so far gives it, and the full pass changes nothing for the jobs before it. Whether equal demands
    /// and constraints are one object each, as on a server, or copies.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AppendedJobs_GetWhatAFullPassGives_OverRandomClusters(bool shared)
    {
        var appendedInAll = 0;
        var declined = 0;
        for (var seed = 0; seed < 300; seed++)
        {
            var scenario = new RandomScenario(seed);
            if (shared) scenario.ShareEqualDemandsAndConstraints();
            var (nodes, jobs, plan) = RunUntilQuiet(scenario);
            var snapshot = scenario.Snapshot(jobs, nodes);
            var quiet = QuietPass.Of(scenario.Options, snapshot, plan);
            if (quiet is null)
            {
                Assert.NotEmpty(plan.Reservations);
                continue;
            }

            var explanations = new Dictionary<string, JobExplanation>(plan.Waiting);
            // Mostly copies of old jobs' shapes (new jobs usually repeat a few products), some of new shapes, a few
            // ahead of old jobs.
            var random = new Random(seed);
            var strangers = new RandomScenario(seed + 10_000).Jobs;
            List<SchedulingJob> pool = [.. jobs.Count == 0 ? strangers : jobs];
            if (pool.Count == 0)
            {
                continue;
            }

            var arrivals = Enumerable.Range(0, 40)
                .Select(i => random.Next(5) == 0 && strangers.Count > 0 ? strangers[random.Next(strangers.Count)] : pool[random.Next(pool.Count)])
                .Select((j, i) => Renamed(j, $"{1_000 + i}", 14 + (random.Next(10) == 0 ? -3 : random.Next(3))))
                .OrderBy(j => j.Priority).ThenBy(j => j.Id, StringComparer.Ordinal);
            foreach (var arrival in arrivals)
            {
                var appended = quiet.Append(arrival, Now);
                if (appended is null)
                {
                    // Declining changes nothing: as if the job had not come.
                    declined++;
                    continue;
                }

                jobs.Add(arrival);
                var full = scenario.Schedule(jobs, nodes);
                Assert.Empty(full.Placements);
                Assert.Empty(full.Reservations);
                explanations[arrival.Id] = appended;
                foreach (var (id, expected) in explanations)
                    AssertSame(full.Waiting[id], expected, $"seed {seed}, job {id}");
                appendedInAll++;
            }
        }

        Assert.True(appendedInAll > 1_000 && declined > 300, $"{appendedInAll} jobs appended, {declined} declined: the test hardly exercises the shortcut");
    }

    private static (QuietPass Quiet, SchedulingPlan Plan) Quiet(SchedulingNode[] nodes, SchedulingJob[] jobs, SchedulerOptions? options = null)
    {
        options ??= NoReservations;
        var snapshot = Snapshot(nodes, jobs);
        var plan = new Matchmaker(options).Schedule(snapshot);
        Assert.Empty(plan.Placements);
        return (QuietPass.Of(options, snapshot, plan)!, plan);
    }

    private static void AssertSameAsFullPass(SchedulingNode[] nodes, SchedulingJob[] jobs, string id, JobExplanation? appended, SchedulerOptions? options = null)
    {
        Assert.NotNull(appended);
        var full = new Matchmaker(options ?? NoReservations).Schedule(Snapshot(nodes, jobs));
        Assert.Empty(full.Placements);
        AssertSame(full.Waiting[id], appended, id);
    }

    private static void AssertSame(JobExplanation expected, JobExplanation actual, string context)
    {
        Assert.True(
            expected.Reason == actual.Reason && expected.JobsAhead == actual.JobsAhead && expected.Evaluated == actual.Evaluated
            && expected.Queue == actual.Queue && expected.NodesTotal == actual.NodesTotal && expected.NodesFitting == actual.NodesFitting
            && expected.NodeFailures.OrderBy(kv => kv.Key).SequenceEqual(actual.NodeFailures.OrderBy(kv => kv.Key)),
            $"{context}: full pass says '{expected.Reason}' ({expected.JobsAhead} ahead), shortcut '{actual.Reason}' ({actual.JobsAhead} ahead)");
    }

    /// <summary>Schedules, takes the placed jobs' capacity from their nodes and drops them, until a pass places nothing.</summary>
    private static (List<SchedulingNode> Nodes, List<SchedulingJob> Jobs, SchedulingPlan Plan) RunUntilQuiet(RandomScenario scenario)
    {
        var nodes = scenario.Nodes.ToList();
        var jobs = scenario.Jobs.ToList();
        while (true)
        {
            var plan = scenario.Schedule(jobs, nodes);
            if (plan.Placements.Count == 0)
            {
                return (nodes, jobs, plan);
            }

            var byId = jobs.ToDictionary(j => j.Id);
            foreach (var placement in plan.Placements)
            {
                var demand = byId[placement.JobId].Demand;
                for (var i = 0; i < demand.Count; i++)
                {
                    var n = nodes.FindIndex(x => x.Id == placement.NodeIds[i]);
                    nodes[n] = new SchedulingNode
                    {
                        Id = nodes[n].Id,
                        Total = nodes[n].Total,
                        Allocated = nodes[n].Allocated + demand[i],
                        Labels = nodes[n].Labels,
                        Products = nodes[n].Products,
                        Schedulable = nodes[n].Schedulable,
                    };
                }
            }

            var placed = plan.Placements.Select(p => p.JobId).ToHashSet();
            jobs.RemoveAll(j => placed.Contains(j.Id));
        }
    }

    private static SchedulingJob Renamed(SchedulingJob job, string id, long priority) => new()
    {
        Id = id,
        Queue = job.Queue,
        Priority = priority,
        Owner = job.Owner,
        EnqueuedAt = Now,
        Demand = job.Demand,
        Constraints = job.Constraints,
    };
}
