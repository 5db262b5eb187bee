using System.Diagnostics;
using System.Net;
using Wharf.Domain.Agents;
using Wharf.Domain.Jobs;
using Wharf.Execution.Tests.Infrastructure;
using static Wharf.Execution.Tests.Infrastructure.TestAgent;

namespace Wharf.Execution.Tests;

/// <summary>Agents' leases: lost agents, agents that come back, and servers that restart.</summary>
public sealed class LeaseTests : IAsyncLifetime
{
    private ExecutionServer _server = null!;

    public async Task InitializeAsync() => _server = await ExecutionServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task AnAgentThatStopsHeartbeating_LosesItsJobs_AsFailureNodeLost_WithinTheLeaseTimeout()
    {
        await using var agent = await TestAgent.StartAsync(_server);
        var id = await _server.SubmitAsync(ExecutionServer.Item());
        await agent.StartOfAsync(id);
        await agent.ReportOkAsync(Started(id));

        await agent.StopHeartbeatsAsync();
        var clock = Stopwatch.StartNew();
        var failed = await _server.WaitForStateAsync(id, JobState.Failure, within: TimeSpan.FromSeconds(8));

        Assert.True(clock.Elapsed < ExecutionServer.LeaseTimeout * 2.5, $"it took {clock.Elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal("node lost", failed.Status.Reason);
        Assert.Equal(HttpStatusCode.NotFound, await agent.HeartbeatAsync()); // it must register again
        using var nodes = await _server.Admin.GetAsync("api/nodes");
        Assert.Contains("\"state\":\"lost\"", await nodes.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AJobThatRestartsOnExit_WaitsAgainWhenItsNodeIsLost_AndIsPlacedOnAnotherAgent()
    {
        await using var first = await TestAgent.StartAsync(_server, principal: "agent-a");
        var id = await _server.SubmitAsync(ExecutionServer.Item(restartOnExit: true));
        await first.StartOfAsync(id);
        await first.ReportOkAsync(Started(id));
        await using var second = await TestAgent.StartAsync(_server, principal: "agent-b");

        await first.StopHeartbeatsAsync();
        var start = await second.StartOfAsync(id);

        Assert.Equal(second.NodeIds[0], start.NodeId);
        Assert.True(start.RestartOnExit);
        var job = await _server.RetrieveAsync(id);
        Assert.Contains(job.Updates, u => u.State == JobState.InQueue && u.Status!.Contains("node lost", StringComparison.Ordinal));
        await second.ReportOkAsync(Started(id));
        Assert.Equal(JobState.Running, (await _server.RetrieveAsync(id)).Status.State);
    }

    [Fact]
    public async Task AnAgentThatRegistersAgain_KeepsTheTasksTheServerWants_AndIsToldWhichAreLost()
    {
        await using var agent = await TestAgent.StartAsync(_server);
        var kept = await _server.SubmitAsync(ExecutionServer.Item());
        await agent.StartOfAsync(kept);
        await agent.ReportOkAsync(Started(kept));
        var ended = await _server.SubmitAsync(ExecutionServer.Item());
        await agent.StartOfAsync(ended);
        await agent.ReportOkAsync(Started(ended), Exited(ended, 0));
        var vanished = await _server.SubmitAsync(ExecutionServer.Item());
        await agent.StartOfAsync(vanished);
        await agent.ReportOkAsync(Started(vanished));

        // The agent restarted: it took back two tasks, one of which the server no longer wants, and a third is gone.
        var registration = await agent.RegisterAsync(
            [new NodeRegistration("agent-a-node", new NodeResources(4, 16), Drivers: ["process"])],
            running: [new TaskRef(kept, 0), new TaskRef(ended, 0), new TaskRef("999999", 0)]);

        Assert.Equal(agent.NodeIds, registration.NodeIds);
        Assert.Equal([new TaskRef(ended, 0), new TaskRef("999999", 0)], registration.Lost!.OrderBy(t => t.JobId, StringComparer.Ordinal));
        Assert.Equal(JobState.Running, (await _server.RetrieveAsync(kept)).Status.State);
        var lost = await _server.RetrieveAsync(vanished);
        Assert.Equal(JobState.Failure, lost.Status.State);
        Assert.Contains("lost", lost.Status.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AServerRestart_KeepsARunningJobRunning_AndTheAgentsLease()
    {
        await using var agent = await TestAgent.StartAsync(_server);
        var id = await _server.SubmitAsync(ExecutionServer.Item(timeAllocation: new { hours = 1, minutes = 0, seconds = 0 }));
        await agent.StartOfAsync(id);
        await agent.ReportOkAsync(Started(id, address: "10.9.0.1"));
        var before = await _server.RetrieveAsync(id);

        await agent.StopHeartbeatsAsync();
        await _server.RestartAsync();
        agent.Reconnect();
        agent.StartHeartbeats();
        await Task.Delay(ExecutionServer.LeaseTimeout * 2);

        Assert.Equal(HttpStatusCode.NoContent, await agent.HeartbeatAsync());
        var after = await _server.RetrieveAsync(id);
        Assert.Equal(JobState.Running, after.Status.State);
        Assert.Equal(before.Status.ExpiresAt, after.Status.ExpiresAt);
        Assert.Equal("10.9.0.1", after.Status.Ranks![0].Address);
        Assert.Empty((await agent.PollAsync(TimeSpan.FromMilliseconds(300))).Start);

        await agent.ReportOkAsync(Exited(id, 0));
        Assert.Equal(JobState.Success, (await _server.RetrieveAsync(id)).Status.State);
    }

    [Fact]
    public async Task AServerRestart_WithAnAgentThatNeverComesBack_EndsItsJobsAfterTheGracePeriod()
    {
        await using var agent = await TestAgent.StartAsync(_server);
        var id = await _server.SubmitAsync(ExecutionServer.Item());
        await agent.StartOfAsync(id);
        await agent.ReportOkAsync(Started(id));
        await agent.StopHeartbeatsAsync();

        await _server.RestartAsync();

        var failed = await _server.WaitForStateAsync(id, JobState.Failure, within: TimeSpan.FromSeconds(10));
        Assert.Equal("node lost", failed.Status.Reason);
    }

    [Fact]
    public async Task AnAgent_CannotReportOnAnotherAgentsJob_NorActAsAnotherAgent()
    {
        await using var owner = await TestAgent.StartAsync(_server, principal: "agent-a");
        var id = await _server.SubmitAsync(ExecutionServer.Item());
        await owner.StartOfAsync(id);
        await using var intruder = await TestAgent.StartAsync(_server, principal: "agent-b");

        using var refused = await intruder.ReportAsync(Started(id));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using var logs = await intruder.LogAsync(id, 0, "stdout", "not mine");
        Assert.Equal(HttpStatusCode.Forbidden, logs.StatusCode);
        Assert.Equal(JobState.InQueue, (await _server.RetrieveAsync(id)).Status.State);

        // Its token's principal is not the owner's: it may not poll or report as the owner either.
        using var impersonation = await intruder.Http.GetAsync($"api/agent/work?agentId={owner.AgentId}&waitMs=0");
        Assert.Equal(HttpStatusCode.Forbidden, impersonation.StatusCode);

        // And a user token is not an agent token.
        using var user = await _server.User.GetAsync($"api/agent/work?agentId={owner.AgentId}&waitMs=0");
        Assert.Equal(HttpStatusCode.Forbidden, user.StatusCode);
    }

    [Fact]
    public async Task UnknownAgents_AreToldToRegister()
    {
        var client = _server.Client(await _server.TokenForAsync("agent", "agent-x"));
        using var heartbeat = await _server.PostAsync(client, "api/agent/heartbeat", new { agentId = "agent-nobody" });
        Assert.Equal(HttpStatusCode.NotFound, heartbeat.StatusCode);
        Assert.Contains("\"code\":\"unknown_agent\"", await heartbeat.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var work = await client.GetAsync("api/agent/work?agentId=agent-nobody&waitMs=0");
        Assert.Equal(HttpStatusCode.NotFound, work.StatusCode);
    }
}
