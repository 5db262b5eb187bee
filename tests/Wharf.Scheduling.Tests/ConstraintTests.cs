using static Wharf.Scheduling.Tests.Builders;

namespace Wharf.Scheduling.Tests;

public class ConstraintTests
{
    private const string Gpu = "example/example-compute/u1-gpu";
    private const string Standard = "example/example-compute/u1-standard";

    private static readonly SchedulingNode[] Cluster =
    [
        Node("x86-1", labels: "arch=amd64,cluster=c1,node=x86-1", products: Standard),
        Node("x86-2", labels: "arch=amd64,cluster=c2,node=x86-2", products: $"{Standard},{Gpu}", gpu: 1),
        Node("arm-1", labels: "arch=arm64,cluster=c1,node=arm-1"),
        Node("arm-2", labels: "arch=arm64,cluster=c2,node=arm-2", schedulable: false),
    ];

    public static TheoryData<string, string?, string?, string?, string> Cases => new()
    {
        // name, product, labels, target, where it may land (sorted, "|" between allowed nodes)
        { "no constraint", null, null, null, "arm-1|x86-1|x86-2" },
        { "standard product", Standard, null, null, "arm-1|x86-1|x86-2" },
        { "gpu product", Gpu, null, null, "arm-1|x86-2" },
        { "arm only", null, "arch=arm64", null, "arm-1" },
        { "gpu in c2", Gpu, "cluster=c2", null, "x86-2" },
        { "target node", null, null, "x86-1", "x86-1" },
        { "node label", null, "node=arm-1", null, "arm-1" },
        { "product and arch", Standard, "arch=amd64", null, "x86-1|x86-2" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Constraints_LimitPlacement_ToNodesThatPassEveryCheck(string name, string? product, string? labels, string? target, string allowed)
    {
        _ = name;
        var possible = allowed.Split('|').ToHashSet();

        // Enough one-core jobs to fill every allowed node: all must land on allowed nodes only.
        var jobs = Enumerable.Range(1, 40).Select(i => Job($"{i}", product: product, labels: labels, target: target));
        var plan = Schedule(Cluster, jobs);

        var used = plan.Placements.SelectMany(p => p.NodeIds).ToHashSet();
        Assert.Subset(possible, used);
        Assert.Equal(possible, used);
    }

    public static TheoryData<string?, string?, string?, string, string> EmptyCases => new()
    {
        { "example/none/x", "arch=amd64", null, "waiting: no node offering product example/none/x has label arch=amd64", "product not offered=2;label arch=amd64=1;node not schedulable=1" },
        { null, "arch=riscv", null, "waiting: no node has label arch=riscv", "label arch=riscv=3;node not schedulable=1" },
        { Gpu, "cluster=c1,arch=amd64", null, "waiting: no node offering product example/example-compute/u1-gpu has labels arch=amd64, cluster=c1", "label arch=amd64=1;product not offered=1;label cluster=c1=1;node not schedulable=1" },
        { null, null, "nowhere", "waiting: target node nowhere is not known", "not the target node=3;node not schedulable=1" },
        { null, null, "arm-2", "waiting: target node arm-2 is not schedulable", "not the target node=3;node not schedulable=1" },
        { Gpu, null, "x86-1", "waiting: target node x86-1 does not offer product example/example-compute/u1-gpu", "not the target node=2;product not offered=1;node not schedulable=1" },
    };

    [Theory]
    [MemberData(nameof(EmptyCases))]
    public void NoSuitableNode_NamesTheConstraint_AndCountsNodesByFirstFailedCheck(string? product, string? labels, string? target, string reason, string counts)
    {
        var plan = Schedule(Cluster, [Job("1", product: product, labels: labels, target: target)]);

        var explanation = plan.Waiting["1"];
        Assert.Equal(reason, explanation.Reason);
        Assert.Equal(Parse(counts), explanation.NodeFailures.OrderBy(kv => kv.Key).ToList());
        Assert.Equal(4, explanation.NodesTotal);
    }

    [Fact]
    public void QueuePool_LimitsTheQueueToNodesWithItsLabels()
    {
        var nodes = new[] { Node("vm-1", labels: "pool=vm"), Node("batch-1", labels: "pool=batch") };
        var options = new SchedulerOptions
        {
            ReservationAge = null,
            Queues = [new QueuePolicy { Name = "vm", NodeLabels = new Dictionary<string, string> { ["pool"] = "vm" } }],
        };

        var plan = Schedule(nodes, [Job("1", cpu: 8, queue: "vm"), Job("2", cpu: 8, queue: "vm", priority: 1), Job("3", cpu: 8)], options);

        Assert.Equal("vm-1", plan.Where()["1"]);
        Assert.Equal("batch-1", plan.Where()["3"]);
        Assert.Equal("waiting: needs 8 cpu per rank, largest free is 0 cpu (1 node busy)", plan.Waiting["2"].Reason);
        Assert.Equal(1, plan.Waiting["2"].NodeFailures["label pool=vm"]);
    }

    [Fact]
    public void DrainingNode_GetsNothingNew()
    {
        var plan = Schedule([Node("a", schedulable: false), Node("b", cpu: 1)], [Job("1"), Job("2", priority: 1)]);

        Assert.Equal("b", plan.Where()["1"]);
        Assert.Equal(1, plan.Waiting["2"].NodeFailures[NodeFailures.NotSchedulable]);
    }

    [Fact]
    public void NoNodes_SaysSo()
    {
        var plan = Schedule([], [Job("1")]);

        Assert.Equal("waiting: no nodes are registered", plan.Waiting["1"].Reason);
    }

    [Fact]
    public void ProductNobodyOffers_IsNamed()
    {
        var nodes = new[] { Node("a", products: Standard), Node("b", products: Standard) };

        var plan = Schedule(nodes, [Job("1", product: Gpu)]);

        Assert.Equal("waiting: no node offers product example/example-compute/u1-gpu", plan.Waiting["1"].Reason);
        Assert.Equal(2, plan.Waiting["1"].NodeFailures[NodeFailures.ProductNotOffered]);
    }

    private static List<KeyValuePair<string, int>> Parse(string counts) =>
        [.. counts.Split(';')
            .Select(c => new KeyValuePair<string, int>(c[..c.LastIndexOf('=')], int.Parse(c[(c.LastIndexOf('=') + 1)..])))
            .OrderBy(kv => kv.Key)];
}
