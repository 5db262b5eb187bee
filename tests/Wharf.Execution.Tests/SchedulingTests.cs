using System.Net;
using System.Text.Json;
using Wharf.Domain.Agents;
using Wharf.Domain.Jobs;
using Wharf.Execution.Tests.Infrastructure;
using static Wharf.Execution.Tests.Infrastructure.TestAgent;

namespace Wharf.Execution.Tests;

/// <summary>The scheduler as the API shows it: placement, backfill, reasons, explain, queues and nodes.</summary>
public sealed class SchedulingTests : IAsyncLifetime
{
    private ExecutionServer _server = null!;

    public async Task InitializeAsync() => _server = await ExecutionServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task ABigJobThatFitsNowhere_DoesNotBlockASmallJobBehindIt()
    {
        await using var agent = await TestAgent.StartAsync(_server, cpu: 4);
        var big = await _server.SubmitAsync(ExecutionServer.Item(product: "big"));
        var small = await _server.SubmitAsync(ExecutionServer.Item());

        var start = await agent.StartOfAsync(small);

        Assert.Equal(small, start.JobId);
        Assert.Equal(JobState.InQueue, (await _server.RetrieveAsync(big)).Status.State);
    }

    [Fact]
    public async Task Explain_CountsTheNodesFailingEachConstraint_ForAJobThatFitsNowhere_AndRetrieveShowsTheReason()
    {
        await using var agent = await TestAgent.StartAsync(_server, nodes:
        [
            new NodeRegistration("n1", new NodeResources(4, 16)),
            new NodeRegistration("n2", new NodeResources(8, 16)),
            new NodeRegistration("n3", new NodeResources(8, 16), Products: [new ProductReference("small", "compute", "test")]),
        ]);
        var id = await _server.SubmitAsync(ExecutionServer.Item(product: "big"));

        var job = await _server.WaitForAsync(id, j => j.Status.Reason?.Contains("cpu", StringComparison.Ordinal) == true, "explained");
        using var response = await _server.User.GetAsync($"api/jobs/explain?id={id}");
        var explanation = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(id, explanation.GetProperty("jobId").GetString());
        Assert.Equal("IN_QUEUE", explanation.GetProperty("state").GetString());
        Assert.Equal("default", explanation.GetProperty("queue").GetString());
        Assert.Equal(0, explanation.GetProperty("position").GetInt32());
        Assert.Equal(3, explanation.GetProperty("nodesConsidered").GetInt32());
        var failures = explanation.GetProperty("failures");
        Assert.Equal(2, failures.GetProperty("insufficient cpu").GetInt32());
        Assert.Equal(1, failures.GetProperty("product not offered").GetInt32());
        Assert.Equal(job.Status.Reason, explanation.GetProperty("reason").GetString());

        using var browse = await _server.User.GetAsync("api/jobs/browse?filterState=IN_QUEUE");
        Assert.Contains(job.Status.Reason!, await browse.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var hidden = await _server.OtherUser.GetAsync($"api/jobs/explain?id={id}");
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
    }

    [Fact]
    public async Task AJobWithAPeer_WaitsUntilThePeerRuns_AndLearnsThePeersAddressAndPorts()
    {
        await using var agent = await TestAgent.StartAsync(_server, cpu: 4);
        var database = await _server.SubmitAsync(ExecutionServer.Item());
        var client = await _server.SubmitAsync(ExecutionServer.Item(
            application: "client", resources: new[] { new { type = "peer", hostname = "database", jobId = database } }));

        await agent.StartOfAsync(database);
        var waiting = await _server.WaitForAsync(client, j => j.Status.Reason?.Contains("peer", StringComparison.Ordinal) == true, "waiting for its peer");
        Assert.Contains($"peer job {database}", waiting.Status.Reason, StringComparison.Ordinal);

        await agent.ReportOkAsync(Started(database, address: "10.7.0.2", port: 5432));
        var start = await agent.StartOfAsync(client);

        var peer = Assert.Single(start.Peers);
        Assert.Equal(("database", database, "10.7.0.2", 5432), (peer.Hostname, peer.JobId, peer.Address, peer.Ports["http"]));
    }

    [Fact]
    public async Task ADeclaredNode_CountsInTheNodeList_ButNeverGetsTasks()
    {
        using (var declare = await _server.PostAsync(_server.Admin, "api/nodes",
            new { name = "hypervisor-1", capacity = new { cpu = 64, memoryInGigs = 256 }, labels = new Dictionary<string, string> { ["pool"] = "vm" } }))
        {
            Assert.Equal(HttpStatusCode.OK, declare.StatusCode);
        }

        var id = await _server.SubmitAsync(ExecutionServer.Item());
        await Task.Delay(300);
        Assert.Equal(JobState.InQueue, (await _server.RetrieveAsync(id)).Status.State);

        using var nodes = await _server.Admin.GetAsync("api/nodes");
        var node = Assert.Single(JsonDocument.Parse(await nodes.Content.ReadAsStringAsync()).RootElement.GetProperty("items").EnumerateArray());
        Assert.True(node.GetProperty("declared").GetBoolean());
        Assert.Equal("hypervisor-1", node.GetProperty("name").GetString());
        Assert.Equal(64, node.GetProperty("capacity").GetProperty("cpu").GetDouble());
        Assert.Equal("vm", node.GetProperty("labels").GetProperty("pool").GetString());
        using var forbidden = await _server.User.GetAsync("api/nodes");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    [Fact]
    public async Task Nodes_ShowWhatIsAllocated_AndQueues_CountWaitingAndRunningJobs()
    {
        await using var agent = await TestAgent.StartAsync(_server, cpu: 2);
        var running = await _server.SubmitAsync(ExecutionServer.Item(replicas: 2));
        await agent.PollUntilAsync(w => w.Start.Count(a => a.JobId == running) == 2);
        await agent.ReportOkAsync(Started(running, 0), Started(running, 1));
        await _server.SubmitAsync(ExecutionServer.Item());
        await _server.SubmitAsync(ExecutionServer.Item(queue: "batch"));

        using var nodes = await _server.Admin.GetAsync("api/nodes");
        var node = Assert.Single(JsonDocument.Parse(await nodes.Content.ReadAsStringAsync()).RootElement.GetProperty("items").EnumerateArray());
        Assert.Equal((agent.NodeIds[0], agent.AgentId, "ready"), (node.GetProperty("id").GetString(), node.GetProperty("agentId").GetString(), node.GetProperty("state").GetString()));
        Assert.Equal(2, node.GetProperty("allocated").GetProperty("cpu").GetDouble());

        using var queues = await _server.User.GetAsync("api/queues");
        var items = JsonDocument.Parse(await queues.Content.ReadAsStringAsync()).RootElement.GetProperty("items").EnumerateArray()
            .ToDictionary(q => q.GetProperty("name").GetString()!, q => (q.GetProperty("waiting").GetInt32(), q.GetProperty("running").GetInt32()));
        Assert.Equal((1, 1), items["default"]);
        Assert.Equal((1, 0), items["batch"]);
    }
}
