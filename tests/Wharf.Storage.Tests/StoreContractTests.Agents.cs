using Wharf.Domain.Agents;
using static Wharf.Storage.Tests.JobRequests;

namespace Wharf.Storage.Tests;

public abstract partial class StoreContractTests
{
    private static AgentRecord Agent(string id, DateTimeOffset at, AgentState state = AgentState.Active) =>
        new(id, "host-" + id, "agent-token-user", state, at, at, at.AddSeconds(30));

    private static NodeRecord Node(string id, string agentId, string name, DateTimeOffset at, double cpu = 4) =>
        new(id, agentId, new NodeRegistration(name, new NodeResources(cpu, 8), new Dictionary<string, string> { ["arch"] = "x64" }, ["process"]),
            NodeState.Ready, Declared: false, at);

    [Fact]
    public async Task Register_SavesTheAgentAndItsNodes()
    {
        await Store.Agents.RegisterAsync(Agent("a1", T0), [Node("n1", "a1", "alpha", T0), Node("n2", "a1", "beta", T0, cpu: 2)], Ct);

        Assert.Equal(Agent("a1", T0), await Store.Agents.GetAgentAsync("a1", Ct));
        Assert.Null(await Store.Agents.GetAgentAsync("nobody", Ct));
        var nodes = await Store.Agents.ListNodesAsync(Ct);
        Assert.Equal(["n1", "n2"], nodes.Select(n => n.Id));
        Assert.Equal("beta", nodes[1].Name);
        Assert.Equal(2, nodes[1].Registration.Capacity.Cpu);
        Assert.Equal("x64", nodes[0].Registration.Labels!["arch"]);
        Assert.Equal(["process"], nodes[0].Registration.Drivers!);
        Assert.All(nodes, n => Assert.Equal(("a1", NodeState.Ready, false), (n.AgentId, n.State, n.Declared)));
    }

    [Fact]
    public async Task Register_Again_ReplacesTheAgent_KeepsListedNodes_AndLosesTheOthers()
    {
        await Store.Agents.RegisterAsync(Agent("a1", T0), [Node("n1", "a1", "alpha", T0), Node("n2", "a1", "beta", T0)], Ct);
        await Store.Agents.RegisterAsync(Agent("a2", T0), [Node("n3", "a2", "alpha", T0)], Ct);

        var later = T0.AddMinutes(1);
        await Store.Agents.RegisterAsync(Agent("a1", later), [Node("n2", "a1", "beta", later, cpu: 16)], Ct);

        Assert.Equal(later, (await Store.Agents.GetAgentAsync("a1", Ct))!.RegisteredAt);
        var nodes = (await Store.Agents.ListNodesAsync(Ct)).ToDictionary(n => n.Id);
        Assert.Equal(NodeState.Lost, nodes["n1"].State);
        Assert.Equal((NodeState.Ready, 16.0), (nodes["n2"].State, nodes["n2"].Registration.Capacity.Cpu));
        Assert.Equal(NodeState.Ready, nodes["n3"].State);
        Assert.Equal(2, (await Store.Agents.ListAgentsAsync(Ct)).Count);
    }

    [Fact]
    public async Task RenewLease_MovesTheExpiryForward_ButNotForAnUnknownOrLostAgent()
    {
        await Store.Agents.RegisterAsync(Agent("a1", T0), [Node("n1", "a1", "alpha", T0)], Ct);

        Assert.True(await Store.Agents.RenewLeaseAsync("a1", T0.AddSeconds(10), T0.AddSeconds(40), Ct));
        Assert.True(await Store.Agents.RenewLeaseAsync("a1", T0.AddSeconds(11), T0.AddSeconds(35), Ct)); // never moves back

        var agent = await Store.Agents.GetAgentAsync("a1", Ct);
        Assert.Equal((T0.AddSeconds(11), T0.AddSeconds(40)), (agent!.LastHeartbeatAt, agent.LeaseExpiresAt));
        Assert.False(await Store.Agents.RenewLeaseAsync("nobody", T0, T0.AddSeconds(30), Ct));
        Assert.True(await Store.Agents.MarkLostAsync("a1", T0.AddSeconds(40), T0.AddSeconds(41), Ct));
        Assert.False(await Store.Agents.RenewLeaseAsync("a1", T0.AddSeconds(42), T0.AddSeconds(72), Ct));
    }

    [Fact]
    public async Task MarkLost_LosesTheAgentAndItsNodes_OnlyWhenItsLeaseHasEnded()
    {
        await Store.Agents.RegisterAsync(Agent("a1", T0), [Node("n1", "a1", "alpha", T0)], Ct);
        await Store.Agents.RegisterAsync(Agent("a2", T0), [Node("n2", "a2", "alpha", T0)], Ct);

        // The lease runs to T0+30s: a watchdog that read an older expiry must not win over the heartbeat.
        Assert.False(await Store.Agents.MarkLostAsync("a1", T0.AddSeconds(29), T0.AddSeconds(29), Ct));
        Assert.True(await Store.Agents.MarkLostAsync("a1", T0.AddSeconds(30), T0.AddSeconds(31), Ct));
        Assert.False(await Store.Agents.MarkLostAsync("a1", T0.AddSeconds(30), T0.AddSeconds(31), Ct)); // already lost

        Assert.Equal(AgentState.Lost, (await Store.Agents.GetAgentAsync("a1", Ct))!.State);
        var nodes = (await Store.Agents.ListNodesAsync(Ct)).ToDictionary(n => n.Id);
        Assert.Equal((NodeState.Lost, NodeState.Ready), (nodes["n1"].State, nodes["n2"].State));

        await Store.Agents.RegisterAsync(Agent("a1", T0.AddMinutes(1)), [Node("n1", "a1", "alpha", T0.AddMinutes(1))], Ct);
        Assert.Equal(AgentState.Active, (await Store.Agents.GetAgentAsync("a1", Ct))!.State);
        Assert.Equal(NodeState.Ready, (await Store.Agents.ListNodesAsync(Ct)).Single(n => n.Id == "n1").State);
    }

    [Fact]
    public async Task SaveDeclaredNode_KeepsDeclaredNodesUniqueByName()
    {
        var declared = new NodeRecord("d1", null, new NodeRegistration("hv-1", new NodeResources(64, 256)), NodeState.Ready, Declared: true, T0);
        await Store.Agents.SaveDeclaredNodeAsync(declared, Ct);
        await Store.Agents.SaveDeclaredNodeAsync(declared with { Id = "d2", Registration = declared.Registration with { Capacity = new NodeResources(32, 128) } }, Ct);
        await Store.Agents.SaveDeclaredNodeAsync(declared with { Id = "d3", Registration = declared.Registration with { Name = "hv-2" } }, Ct);

        var nodes = await Store.Agents.ListNodesAsync(Ct);
        Assert.Equal(["d2", "d3"], nodes.Select(n => n.Id));
        Assert.All(nodes, n => Assert.True(n.Declared && n.AgentId is null));
        Assert.Equal(32, nodes[0].Registration.Capacity.Cpu);
        await Assert.ThrowsAsync<ArgumentException>(() => Store.Agents.SaveDeclaredNodeAsync(declared with { Declared = false }, Ct));
    }

    [Fact]
    public async Task TryLead_GrantsTheRole_AndOnASharedDatabaseToOneStoreAtATime()
    {
        await using var first = await Store.TryLeadAsync(Ct);
        Assert.NotNull(first);
        Assert.False(first.Lost.IsCancellationRequested);

        var other = Open();
        var second = await other.TryLeadAsync(Ct);
        if (!LeadershipIsExclusive)
        {
            Assert.NotNull(second);
            await second.DisposeAsync();
            return;
        }

        Assert.Null(second);
        await first.DisposeAsync();
        await using var third = await other.TryLeadAsync(Ct);
        Assert.NotNull(third);
    }

    [Fact]
    public async Task Notices_ReachEveryListeningStore_WhereTheDatabaseIsShared()
    {
        Assert.Equal(LeadershipIsExclusive, Store.Notices.IsShared);
        if (!Store.Notices.IsShared)
        {
            await Store.Notices.PublishAsync("nobody hears this", Ct); // and it does not fail
            return;
        }

        var other = Open();
        using var listening = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var heard = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var ready = new TaskCompletionSource();
        var listener = Task.Run(async () =>
        {
            await foreach (var message in other.Notices.ListenAsync(listening.Token))
            {
                heard.Enqueue(message);
                if (message == "ready")
                {
                    ready.TrySetResult();
                }

                if (message == "agent a1")
                {
                    return;
                }
            }
        });

        // LISTEN takes a moment: say "ready" until it is heard, then the real messages.
        while (!ready.Task.IsCompleted)
        {
            await Store.Notices.PublishAsync("ready", Ct);
            await Task.WhenAny(ready.Task, Task.Delay(100));
        }

        await Store.Notices.PublishAsync("jobs 1,2,3", Ct);
        await Store.Notices.PublishAsync(new string('x', IStoreNotices.MaxMessageLength), Ct);
        await Store.Notices.PublishAsync("agent a1", Ct);
        await listener;

        Assert.Equal("", heard.First()); // listening has begun
        Assert.Equal(["jobs 1,2,3", new string('x', IStoreNotices.MaxMessageLength), "agent a1"], heard.Where(m => m is not ("ready" or "")));
    }

    /// <summary>True where several servers share the database, so only one may lead at a time.</summary>
    protected abstract bool LeadershipIsExclusive { get; }
}
