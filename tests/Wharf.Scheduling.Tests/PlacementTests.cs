using static Wharf.Scheduling.Tests.Builders;

namespace Wharf.Scheduling.Tests;

public class PlacementTests
{
    public static TheoryData<string, PlacementStrategy, string> StrategyCases => new()
    {
        // two empty equal nodes, three 1-cpu jobs
        { "empty-equal", PlacementStrategy.BinPack, "j1=a;j2=a;j3=a" },
        { "empty-equal", PlacementStrategy.Spread, "j1=a;j2=b;j3=a" },
        // a is half full, b is empty
        { "a-busy", PlacementStrategy.BinPack, "j1=a;j2=a;j3=a" },
        { "a-busy", PlacementStrategy.Spread, "j1=b;j2=b;j3=b" },
        // b is half full, a is empty: bin-packing fills the busy node first whatever the ids say
        { "b-busy", PlacementStrategy.BinPack, "j1=b;j2=b;j3=b" },
        { "b-busy", PlacementStrategy.Spread, "j1=a;j2=a;j3=a" },
    };

    [Theory]
    [MemberData(nameof(StrategyCases))]
    public void Strategy_ChoosesNodes_AsBinPackOrSpreadPrescribes(string cluster, PlacementStrategy strategy, string expected)
    {
        SchedulingNode[] nodes = cluster switch
        {
            "empty-equal" => [Node("a"), Node("b")],
            "a-busy" => [Node("a", usedCpu: 4, usedMemGiB: 16), Node("b")],
            _ => [Node("a"), Node("b", usedCpu: 4, usedMemGiB: 16)],
        };
        var jobs = new[] { "j1", "j2", "j3" }.Select((id, i) => Job(id, priority: i, strategy: strategy));

        var plan = Schedule(nodes, jobs);

        Assert.Equal(expected, string.Join(";", plan.Placements.Select(p => $"{p.JobId}={string.Join(",", p.NodeIds)}")));
    }

    [Fact]
    public void BinPack_FillsOneNodeBeforeTheNext_LeavingWholeNodesForBigJobs()
    {
        var nodes = new[] { Node("a", cpu: 4), Node("b", cpu: 4) };
        var jobs = Enumerable.Range(1, 4).Select(i => Job($"{i}", cpu: 1)).Append(Job("big", cpu: 4, priority: 1));

        var plan = Schedule(nodes, jobs);

        Assert.Equal(["a", "a", "a", "a"], plan.Placements.Take(4).Select(p => p.NodeIds[0]));
        Assert.Equal("b", plan.Where()["big"]);
    }

    [Fact]
    public void Spread_PutsRanksOfOneJobOnDifferentNodes_WhenThereIsRoom()
    {
        var nodes = new[] { Node("a"), Node("b"), Node("c") };

        var plan = Schedule(nodes, [Job("1", ranks: 3, strategy: PlacementStrategy.Spread)]);

        Assert.Equal(["a", "b", "c"], plan.Placements.Single().NodeIds.Order());
    }

    [Fact]
    public void Gang_PlacesEveryRankOrNone_AndLeavesCapacityForTheNextJob()
    {
        var nodes = new[] { Node("a", cpu: 4), Node("b", cpu: 4) };
        var jobs = new[]
        {
            Job("1", cpu: 3, ranks: 3, priority: 1), // 3 ranks of 3 cpu: only 2 nodes can take one each
            Job("2", cpu: 4, ranks: 2, priority: 2), // needs both nodes whole: fits only if job 1 left nothing behind
        };

        var plan = Schedule(nodes, jobs);

        Assert.DoesNotContain(plan.Placements, p => p.JobId == "1");
        Assert.Equal("a,b", plan.Where()["2"]);
        Assert.Equal("waiting: needs 3 ranks of 3 cpu, 1 GiB memory, room for 2 now", plan.Waiting["1"].Reason);
        Assert.Equal(2, plan.Waiting["1"].NodesFitting);
    }

    [Fact]
    public void GangsOfOneRankShape_EachNameTheirOwnRankCount()
    {
        var nodes = new[] { Node("a", cpu: 4), Node("b", cpu: 4) };
        var jobs = new[] { Job("3", cpu: 3, ranks: 3, priority: 1), Job("5", cpu: 3, ranks: 5, priority: 2), Job("2", cpu: 3, ranks: 2, priority: 3) };

        var plan = Schedule(nodes, jobs);

        Assert.Equal("waiting: needs 3 ranks of 3 cpu, 1 GiB memory, room for 2 now", plan.Waiting["3"].Reason);
        Assert.Equal("waiting: needs 5 ranks of 3 cpu, 1 GiB memory, room for 2 now", plan.Waiting["5"].Reason);
        Assert.Equal("a,b", plan.Where()["2"]);
    }

    [Fact]
    public void Gang_MayPutSeveralRanksOnOneNode()
    {
        var plan = Schedule([Node("a", cpu: 8)], [Job("1", cpu: 2, ranks: 4)]);

        Assert.Equal("a,a,a,a", plan.Where()["1"]);
    }

    [Fact]
    public void AdmissionJob_PlacesHeterogeneousInstances_EachWholeOnOneNode()
    {
        var nodes = new[] { Node("a", cpu: 4, memGiB: 8), Node("b", cpu: 16, memGiB: 64) };
        var job = Job("vm", instances: [Res(12, 48), Res(4, 8), Res(2, 4)]);

        var plan = Schedule(nodes, [job]);

        Assert.Equal("b,a,b", plan.Where()["vm"]);
    }

    [Fact]
    public void AdmissionJob_WaitsWhole_WhenOneInstanceHasNoRoom()
    {
        var nodes = new[] { Node("a", cpu: 4, memGiB: 8) };
        var job = Job("vm", instances: [Res(2, 4), Res(4, 8)]);

        var plan = Schedule(nodes, [job, Job("small", cpu: 2, memGiB: 4, priority: 1)]);

        Assert.Equal(["small"], plan.Placements.Select(p => p.JobId));
        Assert.Equal("waiting: needs 2 instances at once; instance 2 (4 cpu, 8 GiB memory) has no room beside the others", plan.Waiting["vm"].Reason);
    }

    [Fact]
    public void Gpu_IsCountedLikeEveryOtherResource()
    {
        var nodes = new[] { Node("cpu-only", cpu: 64), Node("gpu", cpu: 8, gpu: 2) };

        var plan = Schedule(nodes, [Job("1", gpu: 2), Job("2", gpu: 1, priority: 1)]);

        Assert.Equal("gpu", plan.Where()["1"]);
        Assert.Equal("waiting: needs 1 gpu per rank, largest free is 0 gpu (1 node busy)", plan.Waiting["2"].Reason);
    }

    [Fact]
    public void AllocatedCapacity_IsNotOffered()
    {
        var plan = Schedule([Node("a", cpu: 8, usedCpu: 7)], [Job("1", cpu: 2), Job("2", cpu: 1, priority: 1)]);

        Assert.Equal(["2"], plan.Placements.Select(p => p.JobId));
    }
}
