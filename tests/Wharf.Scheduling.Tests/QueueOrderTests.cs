using static Wharf.Scheduling.Tests.Builders;

namespace Wharf.Scheduling.Tests;

public class QueueOrderTests
{
    [Fact]
    public void Priority_LowerKeyRunsFirst_ThenIdNumerically()
    {
        var jobs = new[] { Job("10", priority: 5), Job("9", priority: 5), Job("b", priority: 5), Job("late", priority: 7), Job("first", priority: -3) };

        var plan = Schedule([Node("a", cpu: 2)], jobs);

        Assert.Equal(["first", "9", "10", "b", "late"], plan.Order);
        Assert.Equal(["first", "9"], plan.Placements.Select(p => p.JobId));
    }

    [Fact]
    public void Queues_AreServedRoundRobin_OneJobPerTurn()
    {
        var jobs = new[]
        {
            Job("a1", cpu: 4, queue: "a", priority: 1), Job("a2", cpu: 4, queue: "a", priority: 2), Job("a3", cpu: 4, queue: "a", priority: 3),
            Job("b1", cpu: 4, queue: "b", priority: 1), Job("b2", cpu: 4, queue: "b", priority: 2), Job("b3", cpu: 4, queue: "b", priority: 3),
        };

        var plan = Schedule([Node("n", cpu: 16)], jobs);

        Assert.Equal(["a1", "b1", "a2", "b2", "a3", "b3"], plan.Order);
        Assert.Equal(["a1", "b1", "a2", "b2"], plan.Placements.Select(p => p.JobId));
        Assert.Equal("a", plan.Waiting["a3"].Queue);
    }

    [Fact]
    public void Backfill_PlacesSmallJobsBehindABigOneThatDoesNotFit()
    {
        var jobs = new[] { Job("big", cpu: 8, priority: 1), Job("s1", cpu: 2, priority: 2), Job("s2", cpu: 2, priority: 3) };

        var plan = Schedule([Node("a", cpu: 8, usedCpu: 4)], jobs);

        Assert.Equal(["s1", "s2"], plan.Placements.Select(p => p.JobId));
        Assert.Equal(0, plan.Waiting["big"].JobsAhead);
    }

    [Fact]
    public void StrictQueue_StopsAtTheFirstJobThatDoesNotFit_AndSaysHowManyAreAhead()
    {
        var options = new SchedulerOptions { ReservationAge = null, Queues = [new QueuePolicy { Name = "vm", Backfill = false }] };
        var jobs = new[]
        {
            Job("1", cpu: 2, queue: "vm", priority: 1), Job("2", cpu: 8, queue: "vm", priority: 2),
            Job("3", cpu: 1, queue: "vm", priority: 3), Job("4", cpu: 1, queue: "vm", priority: 4),
        };

        var plan = Schedule([Node("a", cpu: 4)], jobs, options);

        Assert.Equal(["1"], plan.Placements.Select(p => p.JobId));
        Assert.True(plan.Waiting["2"].Evaluated);
        Assert.Equal("waiting: 1 job ahead in queue vm", plan.Waiting["3"].Reason);
        Assert.Equal("waiting: 2 jobs ahead in queue vm", plan.Waiting["4"].Reason);
        Assert.False(plan.Waiting["4"].Evaluated);
        Assert.Equal(2, plan.Statistics.JobsConsidered);
    }

    [Fact]
    public void JobsAhead_CountsEarlierWaitingJobsOfTheSameQueueOnly()
    {
        var jobs = new[]
        {
            Job("1", cpu: 9, priority: 1), Job("2", cpu: 9, memGiB: 2, priority: 2), Job("3", cpu: 1, priority: 3),
            Job("4", cpu: 9, memGiB: 3, priority: 4), Job("other", cpu: 9, queue: "other"),
        };

        var plan = Schedule([Node("a", cpu: 8)], jobs);

        Assert.Equal([0, 1, 2], new[] { "1", "2", "4" }.Select(id => plan.Waiting[id].JobsAhead));
        Assert.Equal(0, plan.Waiting["other"].JobsAhead);
    }

    [Fact]
    public void IdenticalFailingShapes_AreSkippedWithoutASearch_AndShareTheReason()
    {
        var jobs = Enumerable.Range(1, 100).Select(i => Job($"{i}", cpu: 16, priority: i));

        var plan = Schedule([Node("a", cpu: 8), Node("b", cpu: 8)], jobs);

        Assert.Equal(99, plan.Statistics.JobsSkippedByShape);
        Assert.Single(plan.Waiting.Values.Select(e => e.Reason).Distinct());
        Assert.Equal(99, plan.Waiting["100"].JobsAhead);
    }

    [Fact]
    public void DuplicateIds_AreRefused()
    {
        var matchmaker = new Matchmaker();

        Assert.Throws<ArgumentException>(() => matchmaker.Schedule(Snapshot([Node("a"), Node("a")], [])));
        Assert.Throws<ArgumentException>(() => matchmaker.Schedule(Snapshot([Node("a")], [Job("1"), Job("1")])));
        Assert.Throws<ArgumentException>(() => matchmaker.Schedule(Snapshot([Node("a")], [Job("7"), Job("9"), Job("8"), Job("9")])));
    }

    [Theory]
    [InlineData("7", "9", "8")]
    [InlineData("7", "7000000000", "8")]
    [InlineData("7", "07", "0")]
    [InlineData("7", "job-7", "123456789012345678901")]
    public void WaitingJobs_AreFoundByTheirExactIds(string first, string second, string third)
    {
        var plan = Schedule([Node("a", cpu: 1)], [Job(first, cpu: 4), Job(second, cpu: 4), Job(third, cpu: 4)]);

        Assert.Equal(new[] { first, second, third }.Order(), plan.Waiting.Keys.Order());
        Assert.All(new[] { first, second, third }, id => Assert.Equal(id, plan.Waiting[id].JobId));
        Assert.All(new[] { "007", "6", "10", "-7", "+7", " 7", "", "job-8" }, id => Assert.False(plan.Waiting.ContainsKey(id)));
        Assert.Same(plan.Waiting[second], plan.Explain(second));
    }

    [Fact]
    public void InvalidDemand_WaitsWithAReason_InsteadOfFailingThePass()
    {
        var plan = Schedule([Node("a")], [Job("empty", instances: []), Job("negative", instances: [Res(-1)]), Job("ok")]);

        Assert.Equal("waiting: the job asks for no instances, so it can never be placed", plan.Waiting["empty"].Reason);
        Assert.StartsWith("waiting: instance 1 asks for a negative amount", plan.Waiting["negative"].Reason);
        Assert.Equal("a", plan.Where()["ok"]);
    }
}
