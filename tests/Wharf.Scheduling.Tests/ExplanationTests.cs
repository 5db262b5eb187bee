using static Wharf.Scheduling.Tests.Builders;

namespace Wharf.Scheduling.Tests;

public class ExplanationTests
{
    [Fact]
    public void Capacity_CountsEachNodeByItsFirstFailingCheck()
    {
        const string Product = "example/example-compute/u1-standard";
        var nodes = new[]
        {
            Node("other-product", products: "example/example-compute/u1-gpu"),
            Node("x86-1", labels: "arch=amd64"),
            Node("x86-2", labels: "arch=amd64"),
            Node("arm-busy-cpu", cpu: 8, usedCpu: 6, labels: "arch=arm64"),
            Node("arm-busy-both", cpu: 8, usedCpu: 7, usedMemGiB: 31, labels: "arch=arm64"),
            Node("arm-busy-mem", cpu: 8, memGiB: 32, usedMemGiB: 30, labels: "arch=arm64"),
            Node("arm-draining", labels: "arch=arm64", schedulable: false),
        };

        var plan = Schedule(nodes, [Job("1", cpu: 4, memGiB: 4, product: Product, labels: "arch=arm64")]);

        var explanation = plan.Waiting["1"];
        Assert.Equal(new Dictionary<string, int>
        {
            ["product not offered"] = 1,
            ["label arch=arm64"] = 2,
            ["insufficient cpu"] = 2,
            ["insufficient memory"] = 1,
            ["node not schedulable"] = 1,
        }, explanation.NodeFailures);
        Assert.Equal("waiting: needs 4 cpu, 4 GiB memory per rank, no node has all of it free (3 nodes busy)", explanation.Reason);
        Assert.Equal(7, explanation.NodesTotal);
        Assert.Equal(0, explanation.NodesFitting);
    }

    [Fact]
    public void BusyNodes_NameTheResourceThatIsShort_AndTheLargestFreeAmount()
    {
        var nodes = new[] { Node("a", cpu: 8, usedCpu: 6), Node("b", cpu: 8, usedCpu: 7), Node("c", cpu: 4, usedCpu: 4) };

        var plan = Schedule(nodes, [Job("1", cpu: 4)]);

        Assert.Equal("waiting: needs 4 cpu per rank, largest free is 2 cpu (3 nodes busy)", plan.Waiting["1"].Reason);
        Assert.Equal(3, plan.Waiting["1"].NodeFailures[NodeFailures.InsufficientCpu]);
    }

    public static TheoryData<double, double, long, string> TooBig => new()
    {
        { 64, 1, 0, "waiting: needs 64 cpu per rank, the largest node has 8 cpu" },
        { 1, 512, 0, "waiting: needs 512 GiB memory per rank, the largest node has 32 GiB memory" },
        { 1, 1, 4, "waiting: needs 4 gpu per rank, the largest node has 1 gpu" },
    };

    [Theory]
    [MemberData(nameof(TooBig))]
    public void JobLargerThanAnyNode_SaysWhichResourceNoNodeHas(double cpu, double memGiB, long gpu, string reason)
    {
        var plan = Schedule([Node("a", cpu: 8, memGiB: 32, gpu: 1), Node("b", cpu: 4, memGiB: 16)], [Job("1", cpu: cpu, memGiB: memGiB, gpu: gpu)]);

        Assert.Equal(reason, plan.Waiting["1"].Reason);
    }

    [Fact]
    public void Memory_IsNamedInGiBOrMiB()
    {
        var plan = Schedule([Node("a", cpu: 8, memGiB: 16, usedMemGiB: 15.5)], [Job("1", memGiB: 0.75)]);

        Assert.Equal("waiting: needs 768 MiB memory per rank, largest free is 512 MiB memory (1 node busy)", plan.Waiting["1"].Reason);
    }

    [Fact]
    public void NoNodeHasEveryResourceFreeAtOnce_IsSaid()
    {
        var nodes = new[] { Node("cpu-free", cpu: 8, memGiB: 32, usedMemGiB: 30), Node("mem-free", cpu: 8, memGiB: 32, usedCpu: 7) };

        var plan = Schedule(nodes, [Job("1", cpu: 4, memGiB: 4)]);

        Assert.Equal("waiting: needs 4 cpu, 4 GiB memory per rank, no node has all of it free (2 nodes busy)", plan.Waiting["1"].Reason);
    }

    [Fact]
    public void PlacedJobs_HaveNoExplanation()
    {
        var plan = Schedule([Node("a")], [Job("1")]);

        Assert.Null(plan.Explain("1"));
        Assert.Empty(plan.Waiting);
    }
}
