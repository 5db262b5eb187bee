namespace Wharf.Scheduling.Tests;

/// <summary>Invariants of the matchmaker over many random clusters and backlogs (fixed seeds, so failures reproduce).</summary>
public class PropertyTests
{
    private const int Seeds = 400;

    public static IEnumerable<object[]> SeedBlocks => Enumerable.Range(0, 8).Select(b => new object[] { b });

    [Theory]
    [MemberData(nameof(SeedBlocks))]
    public void EveryJob_IsPlacedWholeOrWaits_AndTheOrderListsEachOnce(int block)
    {
        foreach (var seed in SeedsOf(block))
        {
            var scenario = new RandomScenario(seed);
            var plan = scenario.Schedule();

            Assert.Equal(scenario.Jobs.Select(j => j.Id).Order(), plan.Order.Order());
            var placed = plan.Placements.Select(p => p.JobId).ToList();
            Assert.Equal(placed.Count, placed.Distinct().Count());
            Assert.Equal(scenario.Jobs.Count, placed.Count + plan.Waiting.Count);
            Assert.Empty(placed.Intersect(plan.Waiting.Keys));
            var byId = scenario.Jobs.ToDictionary(j => j.Id);
            foreach (var p in plan.Placements) Assert.Equal(byId[p.JobId].Demand.Count, p.NodeIds.Count);
        }
    }

    [Theory]
    [MemberData(nameof(SeedBlocks))]
    public void NoNode_IsEverOvercommitted(int block)
    {
        foreach (var seed in SeedsOf(block))
        {
            var scenario = new RandomScenario(seed);
            var leftover = Leftover(scenario, scenario.Schedule());

            foreach (var (id, free) in leftover)
                Assert.False(free.IsNegative, $"seed {seed}: node {id} over-committed, left {free}");
        }
    }

    [Theory]
    [MemberData(nameof(SeedBlocks))]
    public void EveryPlacement_SatisfiesItsJobsConstraints(int block)
    {
        foreach (var seed in SeedsOf(block))
        {
            var scenario = new RandomScenario(seed);
            var plan = scenario.Schedule();
            var jobs = scenario.Jobs.ToDictionary(j => j.Id);
            var nodes = scenario.Nodes.ToDictionary(n => n.Id);

            foreach (var p in plan.Placements)
                foreach (var nodeId in p.NodeIds)
                    Assert.True(scenario.Allows(jobs[p.JobId], nodes[nodeId]), $"seed {seed}: job {p.JobId} on {nodeId}");
        }
    }

    [Theory]
    [MemberData(nameof(SeedBlocks))]
    public void SameInput_GivesTheSamePlan_WhateverTheOrderOfNodesAndJobs(int block)
    {
        foreach (var seed in SeedsOf(block))
        {
            var scenario = new RandomScenario(seed);
            var first = Describe(scenario.Schedule());
            var again = Describe(scenario.Schedule());
            var random = new Random(seed);
            var shuffled = Describe(scenario.Schedule(scenario.Jobs.OrderBy(_ => random.Next()), scenario.Nodes.OrderBy(_ => random.Next())));

            Assert.Equal(first, again);
            Assert.Equal(first, shuffled);
        }
    }

    /// <summary>
    /// Jobs that share one demand list, constraints object and queue and owner strings per value, as a server's jobs of
    /// one product do, get the plan that jobs with equal copies of their own get: sharing only spares the pass work.
    /// </summary>
    [Theory]
    [MemberData(nameof(SeedBlocks))]
    public void SharedDemandsAndConstraints_GiveThePlanOfEqualCopies(int block)
    {
        foreach (var seed in SeedsOf(block))
        {
            var scenario = new RandomScenario(seed);
            var copied = scenario.Jobs.Select(job => new SchedulingJob
            {
                Id = job.Id,
                Queue = new string(job.Queue.AsSpan()),
                Priority = job.Priority,
                Owner = new string(job.Owner.AsSpan()),
                EnqueuedAt = job.EnqueuedAt,
                Demand = [.. job.Demand],
                Constraints = new PlacementConstraints
                {
                    Product = job.Constraints.Product,
                    RequiredLabels = job.Constraints.RequiredLabels,
                    TargetNode = job.Constraints.TargetNode,
                    Strategy = job.Constraints.Strategy,
                },
            }).ToList();
            scenario.ShareEqualDemandsAndConstraints();

            var sharedPlan = scenario.Schedule();
            var copiedPlan = scenario.Schedule(copied);

            Assert.Equal(Describe(copiedPlan), Describe(sharedPlan));
            Assert.Equal(copiedPlan.Statistics, sharedPlan.Statistics);
        }
    }

    /// <summary>A job's fate depends only on the jobs the pass took before it: later jobs cannot take its capacity.</summary>
    [Theory]
    [MemberData(nameof(SeedBlocks))]
    public void JobsTakenLater_NeverChangeTheOutcomeOfAnEarlierJob(int block)
    {
        foreach (var seed in SeedsOf(block))
        {
            var scenario = new RandomScenario(seed);
            var plan = scenario.Schedule();
            var evaluated = plan.Order.Where(id => plan.Explain(id)?.Evaluated != false).ToList();
            if (evaluated.Count == 0) continue;
            var jobs = scenario.Jobs.ToDictionary(j => j.Id);
            var random = new Random(seed);
            for (var probe = 0; probe < 3; probe++)
            {
                var i = random.Next(evaluated.Count);
                var id = evaluated[i];
                var prefix = plan.Order.TakeWhile(x => x != id).Append(id).Select(x => jobs[x]);

                var reduced = scenario.Schedule(prefix);

                Assert.Equal(Outcome(plan, id), Outcome(reduced, id));
            }
        }
    }

    /// <summary>In one queue without fair share, a waiting job would still wait with every lower-priority job gone.</summary>
    [Theory]
    [MemberData(nameof(SeedBlocks))]
    public void HigherPriorityJob_NeverLosesCapacity_ToALowerPriorityOne(int block)
    {
        foreach (var seed in SeedsOf(block))
        {
            var scenario = new RandomScenario(seed, fairShareAllowed: false, singleQueue: true);
            var plan = scenario.Schedule();
            var ranked = plan.Order.Select(id => scenario.Jobs.Single(j => j.Id == id)).ToList();
            for (var i = 0; i < ranked.Count; i++)
            {
                if (i > 0) Assert.True(ranked[i - 1].Priority <= ranked[i].Priority, $"seed {seed}: order breaks priority");
                if (plan.Explain(ranked[i].Id) is not { Evaluated: true }) continue;
                var withoutLower = scenario.Schedule(ranked.Take(i + 1));
                Assert.NotNull(withoutLower.Explain(ranked[i].Id));
            }
        }
    }

    /// <summary>Backfill is complete: what is left free cannot hold any waiting job of equal ranks that failed for capacity.</summary>
    [Theory]
    [MemberData(nameof(SeedBlocks))]
    public void LeftoverCapacity_HasNoRoomForAWaitingJob_WhenNothingIsHeld(int block)
    {
        foreach (var seed in SeedsOf(block))
        {
            var scenario = new RandomScenario(seed, reservationsAllowed: false);
            var plan = scenario.Schedule();
            var leftover = Leftover(scenario, plan);
            foreach (var job in scenario.Jobs)
            {
                if (plan.Explain(job.Id) is not { Evaluated: true } || job.Demand.Distinct().Count() != 1) continue;
                var need = job.Demand[0];
                var room = scenario.Nodes.Where(n => scenario.Allows(job, n)).Sum(n => Room(leftover[n.Id], need));
                Assert.True(room < job.Demand.Count, $"seed {seed}: job {job.Id} waits ({plan.Waiting[job.Id].Reason}) but {room} ranks fit");
            }
        }
    }

    private static IEnumerable<int> SeedsOf(int block) => Enumerable.Range(block * (Seeds / 8), Seeds / 8);

    private static Dictionary<string, Resources> Leftover(RandomScenario scenario, SchedulingPlan plan)
    {
        var left = scenario.Nodes.ToDictionary(n => n.Id, n => n.Free);
        var jobs = scenario.Jobs.ToDictionary(j => j.Id);
        foreach (var p in plan.Placements)
            for (var i = 0; i < p.NodeIds.Count; i++) left[p.NodeIds[i]] -= jobs[p.JobId].Demand[i];
        return left;
    }

    private static long Room(Resources free, Resources need)
    {
        long room = long.MaxValue;
        foreach (var (f, n) in new[] { (free.CpuMillis, need.CpuMillis), (free.MemoryMiB, need.MemoryMiB), (free.Gpu, need.Gpu), (free.DiskMiB, need.DiskMiB) })
            if (n > 0) room = Math.Min(room, Math.Max(0, f) / n);
        return room == long.MaxValue ? 1000 : room;
    }

    private static string Outcome(SchedulingPlan plan, string id) =>
        plan.Explain(id) is { } e ? $"waits: {e.Reason}" : "on " + string.Join(",", plan.Placements.Single(p => p.JobId == id).NodeIds);

    private static string Describe(SchedulingPlan plan) => string.Join("\n",
        plan.Placements.Select(p => $"{p.JobId} -> {string.Join(",", p.NodeIds)}")
            .Concat(plan.Waiting.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv =>
                $"{kv.Key}: {kv.Value.Reason} ahead={kv.Value.JobsAhead} {string.Join(";", kv.Value.NodeFailures.OrderBy(c => c.Key).Select(c => $"{c.Key}={c.Value}"))} held={string.Join(",", kv.Value.ReservedNodeIds)}"))
            .Concat(plan.Reservations.Select(r => $"reserve {r.JobId}: {string.Join(",", r.NodeIds)}"))
            .Append(string.Join(",", plan.Order)));
}
