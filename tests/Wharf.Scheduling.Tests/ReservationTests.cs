using static Wharf.Scheduling.Tests.Builders;

namespace Wharf.Scheduling.Tests;

public class ReservationTests
{
    private static readonly SchedulerOptions Holding = new() { ReservationAge = TimeSpan.FromMinutes(5) };

    [Fact]
    public void OldBigJob_HoldsCapacity_SoSmallerJobsBehindItCannotTakeIt()
    {
        var nodes = new[] { Node("a", cpu: 8, usedCpu: 6) };
        var jobs = new[] { Job("big", cpu: 4, priority: 1, age: TimeSpan.FromHours(1)), Job("small", cpu: 1, priority: 2) };

        var plan = Schedule(nodes, jobs, Holding);

        Assert.Empty(plan.Placements);
        Assert.Equal(["a"], plan.Waiting["big"].ReservedNodeIds);
        Assert.Equal("waiting: needs 4 cpu per rank, largest free is 2 cpu (1 node busy); holding capacity on 1 node until it fits", plan.Waiting["big"].Reason);
        Assert.Equal("waiting: the free capacity is held for job big, which has waited longer", plan.Waiting["small"].Reason);
        Assert.Equal(1, plan.Waiting["small"].NodeFailures[NodeFailures.HeldForOtherJob]);
        Assert.Equal("big", plan.Reservations.Single().JobId);
    }

    [Fact]
    public void YoungBigJob_HoldsNothing_AndSmallerJobsBackfill()
    {
        var nodes = new[] { Node("a", cpu: 8, usedCpu: 6) };
        var jobs = new[] { Job("big", cpu: 4, priority: 1, age: TimeSpan.FromMinutes(1)), Job("small", cpu: 1, priority: 2) };

        var plan = Schedule(nodes, jobs, Holding);

        Assert.Equal(["small"], plan.Placements.Select(p => p.JobId));
        Assert.Empty(plan.Reservations);
    }

    [Fact]
    public void Reservation_ChoosesTheNodeThatLacksTheLeast_AndLeavesOthersFree()
    {
        var nodes = new[] { Node("a", cpu: 8, usedCpu: 7), Node("b", cpu: 8, usedCpu: 5), Node("c", cpu: 2) };
        var jobs = new[] { Job("big", cpu: 6, priority: 1, age: TimeSpan.FromHours(1)), Job("small", cpu: 1, priority: 2) };

        var plan = Schedule(nodes, jobs, Holding);

        Assert.Equal(["b"], plan.Waiting["big"].ReservedNodeIds);
        Assert.NotEqual("b", plan.Where()["small"]);
    }

    [Fact]
    public void Reservations_AreBoundedPerQueue()
    {
        var nodes = new[] { Node("a", cpu: 8, usedCpu: 6), Node("b", cpu: 8, usedCpu: 6) };
        var old = TimeSpan.FromHours(1);
        var jobs = new[] { Job("1", cpu: 4, priority: 1, age: old), Job("2", cpu: 4, memGiB: 2, priority: 2, age: old), Job("3", cpu: 1, priority: 3) };

        var plan = Schedule(nodes, jobs, Holding);

        Assert.Equal(["1"], plan.Reservations.Select(r => r.JobId));
        Assert.Equal(["3"], plan.Placements.Select(p => p.JobId));
    }

    [Fact]
    public void JobThatFitsNoNodeEvenEmpty_HoldsNothing()
    {
        var plan = Schedule([Node("a", cpu: 8)], [Job("huge", cpu: 64, age: TimeSpan.FromHours(1)), Job("small", priority: 1)], Holding);

        Assert.Equal("waiting: needs 64 cpu per rank, the largest node has 8 cpu", plan.Waiting["huge"].Reason);
        Assert.Empty(plan.Reservations);
        Assert.Equal("a", plan.Where()["small"]);
    }

    /// <summary>
    /// A stream of small jobs keeps a node busy; a big job at the front waits. Without reservations the small jobs
    /// take every core the moment it frees and the big job never runs; with them it runs within a few passes.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void BigJob_DoesNotStarve_WhenItMayHoldCapacity(bool holding)
    {
        var options = new SchedulerOptions { ReservationAge = holding ? TimeSpan.Zero : null };
        var matchmaker = new Matchmaker(options);
        var running = Enumerable.Range(1, 6).Select(i => (Id: $"r{i}", Cpu: 1000L, EndsAt: i)).ToList();
        var waiting = new List<SchedulingJob> { Job("big", cpu: 8, priority: 0) };
        var next = 1;
        int? bigPlacedAt = null;
        for (var pass = 0; pass < 30 && bigPlacedAt is null; pass++)
        {
            running.RemoveAll(r => r.EndsAt <= pass);
            for (var i = 0; i < 3; i++) waiting.Add(Job($"s{next}", cpu: 1, priority: next++));
            var used = running.Sum(r => r.Cpu);
            var node = new SchedulingNode { Id = "n", Total = Res(8, 64), Allocated = new Resources(used, running.Count * 1024L) };

            var plan = matchmaker.Schedule(Snapshot([node], waiting));

            foreach (var placement in plan.Placements)
            {
                var job = waiting.Single(j => j.Id == placement.JobId);
                running.Add((job.Id, job.Demand[0].CpuMillis, pass + 3 + (next % 2)));
                if (job.Id == "big") bigPlacedAt = pass;
            }

            waiting.RemoveAll(j => plan.Placements.Any(p => p.JobId == j.Id));
        }

        if (holding) Assert.NotNull(bigPlacedAt);
        else Assert.Null(bigPlacedAt);
    }
}
