using System.Net;
using Wharf.Domain.Jobs;
using Wharf.Execution.Tests.Infrastructure;
using static Wharf.Execution.Tests.Infrastructure.TestAgent;

namespace Wharf.Execution.Tests;

/// <summary>Time allocations: running jobs expire at their deadline, extend moves it, and the timers survive restarts.</summary>
public sealed class TimeAllocationTests : IAsyncLifetime
{
    private ExecutionServer _server = null!;

    public async Task InitializeAsync() => _server = await ExecutionServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task AShortTimeAllocation_EndsTheJobExpired_AndTheAgentIsToldToStopIt()
    {
        await using var agent = await TestAgent.StartAsync(_server);
        var id = await _server.SubmitAsync(ExecutionServer.Item(timeAllocation: new { hours = 0, minutes = 0, seconds = 1 }));
        await agent.StartOfAsync(id);
        await agent.ReportOkAsync(Started(id));
        var running = await _server.RetrieveAsync(id);
        Assert.Equal(running.Status.StartedAt + TimeSpan.FromSeconds(1), running.Status.ExpiresAt);

        var stop = await agent.StopOfAsync(id);

        Assert.Equal(JobState.Expired, (await _server.RetrieveAsync(id)).Status.State);
        Assert.Equal(0, stop.Rank);
        await agent.ReportOkAsync(Exited(id, 143));
        var expired = await _server.RetrieveAsync(id);
        Assert.Equal(JobState.Expired, expired.Status.State);
        Assert.True(DateTimeOffset.UtcNow - running.Status.ExpiresAt!.Value < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Extend_DelaysTheExpiry()
    {
        await using var agent = await TestAgent.StartAsync(_server);
        var id = await _server.SubmitAsync(ExecutionServer.Item(timeAllocation: new { hours = 0, minutes = 0, seconds = 1 }));
        await agent.StartOfAsync(id);
        await agent.ReportOkAsync(Started(id));

        using (var extend = await _server.PostAsync(_server.User, "api/jobs/extend",
            new { items = new[] { new { jobId = id, requestedTime = new { hours = 0, minutes = 0, seconds = 2 } } } }))
        {
            Assert.Equal(HttpStatusCode.OK, extend.StatusCode);
        }

        var extended = await _server.RetrieveAsync(id);
        await Task.Delay(extended.Status.StartedAt!.Value + TimeSpan.FromSeconds(1.5) - DateTimeOffset.UtcNow);
        Assert.Equal(JobState.Running, (await _server.RetrieveAsync(id)).Status.State);

        var expired = await _server.WaitForStateAsync(id, JobState.Expired, within: TimeSpan.FromSeconds(5));
        Assert.True(DateTimeOffset.UtcNow >= extended.Status.ExpiresAt);
        Assert.Equal(extended.Status.StartedAt + TimeSpan.FromSeconds(3), expired.Status.ExpiresAt);
    }

    [Fact]
    public async Task ADeadline_SurvivesAServerRestart()
    {
        await using var agent = await TestAgent.StartAsync(_server);
        var id = await _server.SubmitAsync(ExecutionServer.Item(timeAllocation: new { hours = 0, minutes = 0, seconds = 2 }));
        await agent.StartOfAsync(id);
        await agent.ReportOkAsync(Started(id));

        await agent.StopHeartbeatsAsync();
        await _server.RestartAsync();
        agent.Reconnect();
        agent.StartHeartbeats();

        await _server.WaitForStateAsync(id, JobState.Expired, within: TimeSpan.FromSeconds(10));
        await agent.StopOfAsync(id);
    }
}
