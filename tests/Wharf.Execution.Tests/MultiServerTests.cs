using System.Diagnostics;
using Wharf.Domain.Jobs;
using Wharf.Execution.Tests.Infrastructure;
using Wharf.Storage.Tests;
using static Wharf.Execution.Tests.Infrastructure.TestAgent;

namespace Wharf.Execution.Tests;

/// <summary>Several servers on one PostgreSQL: one schedules, every one serves agents, and another takes over when the scheduler's server stops.</summary>
public sealed class MultiServerTests : IAsyncLifetime
{
    private PostgresServer _postgres = null!;

    public async Task InitializeAsync() => _postgres = await PostgresServer.StartAsync();

    public async Task DisposeAsync() => await _postgres.DisposeAsync();

    [Fact]
    public async Task AnAgentOfOneServer_RunsJobsSubmittedToAnother_AndTheOtherServerTakesOverTheScheduler()
    {
        var database = await _postgres.CreateDatabaseAsync();
        var first = await ExecutionServer.StartAsync(postgres: database);
        await using var second = await ExecutionServer.StartAsync(postgres: database, adminToken: first.AdminToken);
        await using var agent = await TestAgent.StartAsync(second);
        string id;
        try
        {
            // The first server leads: it places the job it was given; the agent polling the second learns of it.
            id = await first.SubmitAsync(ExecutionServer.Item());
            var start = await agent.StartOfAsync(id);
            Assert.Equal(agent.NodeIds[0], start.NodeId);
            await agent.ReportOkAsync(Started(id));
            await first.WaitForStateAsync(id, JobState.Running);
        }
        finally
        {
            await first.DisposeAsync();
        }

        // The scheduler's server is gone: the second takes the role within seconds and places new work.
        var clock = Stopwatch.StartNew();
        var next = await second.SubmitAsync(ExecutionServer.Item());
        await agent.StartOfAsync(next);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"took over after {clock.Elapsed.TotalSeconds:F1} s");
        await agent.ReportOkAsync(Started(next), Exited(next, 0));
        Assert.Equal(JobState.Success, (await second.RetrieveAsync(next)).Status.State);

        // Its lease watchdog now watches the agent: silence ends the job that still runs.
        await agent.StopHeartbeatsAsync();
        var lost = await second.WaitForStateAsync(id, JobState.Failure, within: TimeSpan.FromSeconds(10));
        Assert.Equal("node lost", lost.Status.Reason);
    }
}
