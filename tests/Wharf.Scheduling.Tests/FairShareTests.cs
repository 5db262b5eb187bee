using static Wharf.Scheduling.Tests.Builders;

namespace Wharf.Scheduling.Tests;

public class FairShareTests
{
    private static SchedulerOptions Options(bool fairShare, TimeSpan? reservationAge = null) => new()
    {
        ReservationAge = reservationAge,
        Queues = [new QueuePolicy { Name = "default", FairShare = fairShare }],
    };

    private static SchedulingPlan Run(IEnumerable<SchedulingNode> nodes, IEnumerable<SchedulingJob> jobs, SchedulerOptions options, Dictionary<string, Resources>? usage = null) =>
        new Matchmaker(options).Schedule(Snapshot(nodes, jobs, usage));

    public static TheoryData<bool, string> Cases => new()
    {
        { false, "a1,a2,a3,a4" },
        { true, "a1,b1,a2,b2" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void FairShare_AlternatesOwners_WhileStrictPriorityServesTheFrontOwner(bool fairShare, string placed)
    {
        var jobs = Enumerable.Range(1, 4).Select(i => Job($"a{i}", owner: "alice", priority: i))
            .Concat(Enumerable.Range(1, 4).Select(i => Job($"b{i}", owner: "bob", priority: 10 + i)));

        var plan = Run([Node("n", cpu: 4)], jobs, Options(fairShare));

        Assert.Equal(placed, string.Join(",", plan.Placements.Select(p => p.JobId)));
    }

    [Fact]
    public void FairShare_PrefersTheOwnerWithTheSmallestDominantShare_CountingRunningWork()
    {
        var nodes = new[] { Node("n", cpu: 8, memGiB: 64, usedMemGiB: 32) };
        var usage = new Dictionary<string, Resources> { ["alice"] = Res(0, 32), ["bob"] = Res(4, 0) };
        var jobs = new[] { Job("alice-1", cpu: 4, owner: "alice", priority: 1), Job("bob-1", cpu: 4, owner: "bob", priority: 2), Job("carol-1", cpu: 4, owner: "carol", priority: 3) };

        var plan = Run(nodes, jobs, Options(fairShare: true), usage);

        // carol holds nothing, bob half the cpu (0.5 of 8), alice half the memory (0.5 of 64): carol first, then bob by priority.
        Assert.Equal(["carol-1", "alice-1"], plan.Placements.Select(p => p.JobId));
        Assert.Equal(["carol-1", "alice-1", "bob-1"], plan.Order);
    }

    [Fact]
    public void FairShare_TakesJobsOldEnoughToHoldCapacityFirst_SoNewOwnersCannotPassThem()
    {
        var usage = new Dictionary<string, Resources> { ["alice"] = Res(6) };
        var jobs = new[]
        {
            Job("alice-old", cpu: 2, owner: "alice", priority: 5, age: TimeSpan.FromHours(1)),
            Job("bob-new", cpu: 2, owner: "bob", priority: 1),
        };

        var plan = Run([Node("n", cpu: 2)], jobs, Options(fairShare: true, TimeSpan.FromMinutes(5)), usage);

        Assert.Equal(["alice-old"], plan.Placements.Select(p => p.JobId));
    }
}
