using System.Diagnostics;
using System.Net;
using Wharf.Domain.Agents;
using Wharf.Domain.Jobs;
using Wharf.Execution.Tests.Infrastructure;
using static Wharf.Execution.Tests.Infrastructure.TestAgent;

namespace Wharf.Execution.Tests;

/// <summary>A job's way from submission through placement, the agent's reports, to its end.</summary>
public sealed class LifecycleTests : IAsyncLifetime
{
    private ExecutionServer _server = null!;

    public async Task InitializeAsync() => _server = await ExecutionServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Placement_ReachesAWaitingAgentsLongPoll_BeforeItsTimeout_AndStartedThenExit0_EndsInSuccess()
    {
        await using var agent = await TestAgent.StartAsync(_server);
        var wait = TimeSpan.FromSeconds(20);
        var poll = agent.PollAsync(wait);
        await Task.Delay(100); // the agent is idle, waiting

        var clock = Stopwatch.StartNew();
        var id = await _server.SubmitAsync(ExecutionServer.Item(parameters: new Dictionary<string, object>
        {
            ["seconds"] = new { type = "integer", value = 5 },
            ["data"] = new { type = "file", path = "/p1/data.txt", readOnly = true },
        }));
        var work = await poll;
        var elapsed = clock.Elapsed;

        Assert.True(elapsed < wait, $"the placement took {elapsed.TotalMilliseconds:F0} ms to reach the agent");
        var start = Assert.Single(work.Start);
        Assert.Equal((id, 0, 1, agent.NodeIds[0], "process"), (start.JobId, start.Rank, start.Replicas, start.NodeId, start.Driver));
        Assert.Equal(["sh", "-c", "echo $(GREETING) && sleep $(WHARF_PARAM_SECONDS)", "--data", "$(WHARF_FILE_DATA)"], start.Command);
        Assert.Equal("hello", start.Environment["GREETING"]);
        Assert.Equal("5", start.Environment["WHARF_PARAM_SECONDS"]);
        Assert.Equal("test job", start.Environment["WHARF_JOB_NAME"]);
        Assert.Equal(Path.Combine(_server.CatalogDirectory, "apps"), start.Environment["WHARF_APP_DIR"]);
        Assert.False(start.Environment.ContainsKey("WHARF_PARAM_MODE")); // optional, not set, no default
        Assert.Equal(["http", "admin"], start.Ports);
        Assert.Equal(new FileMount("data", "/p1/data.txt", ReadOnly: true, IsDirectory: false), Assert.Single(start.Files));
        Assert.Equal(new Owner("alice", "p1"), start.Owner);
        Assert.Equal(JobState.InQueue, (await _server.RetrieveAsync(id)).Status.State);

        await agent.ReportOkAsync(Started(id, address: "10.1.0.5", port: 8080));
        var running = await _server.RetrieveAsync(id);
        Assert.Equal(JobState.Running, running.Status.State);
        var rank = Assert.Single(running.Status.Ranks!);
        Assert.Equal((RankState.Running, "10.1.0.5", 8080, 38080), (rank.State, rank.Address, rank.Ports!["http"], rank.HostPorts!["http"]));
        Assert.NotNull(running.Status.StartedAt);

        await agent.ReportOkAsync(Exited(id, 0));
        var done = await _server.RetrieveAsync(id);
        Assert.Equal((JobState.Success, 0), (done.Status.State, done.Status.ExitCode));
        Assert.Equal([JobState.InQueue, null, JobState.Running, JobState.Success], done.Updates.Select(u => u.State));
    }

    [Fact]
    public async Task ANonZeroExit_EndsInFailure_WithTheExitCode()
    {
        await using var agent = await TestAgent.StartAsync(_server);
        var id = await _server.SubmitAsync(ExecutionServer.Item());
        await agent.StartOfAsync(id);
        await agent.ReportOkAsync(Started(id));

        await agent.ReportOkAsync(Exited(id, 3));

        var failed = await _server.RetrieveAsync(id);
        Assert.Equal((JobState.Failure, 3), (failed.Status.State, failed.Status.ExitCode));
        Assert.Contains("exited with code 3", failed.Status.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RepeatedReports_ChangeNothing()
    {
        await using var agent = await TestAgent.StartAsync(_server);
        var id = await _server.SubmitAsync(ExecutionServer.Item());
        await agent.StartOfAsync(id);
        var started = Started(id);
        await agent.ReportOkAsync(started);
        await agent.ReportOkAsync(started, started);
        var exited = Exited(id, 0);
        await agent.ReportOkAsync(exited);
        await agent.ReportOkAsync(exited);

        var job = await _server.RetrieveAsync(id);
        Assert.Equal(JobState.Success, job.Status.State);
        Assert.Equal(4, job.Updates.Count);
    }

    [Fact]
    public async Task AnAssignment_IsSentAgain_UntilTheAgentAcknowledgesIt()
    {
        await using var agent = await TestAgent.StartAsync(_server);
        var id = await _server.SubmitAsync(ExecutionServer.Item());
        await agent.StartOfAsync(id);

        // Not acknowledged: it comes again, after the resend interval rather than at once.
        var clock = Stopwatch.StartNew();
        await agent.StartOfAsync(id);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(300), $"sent again after {clock.Elapsed.TotalMilliseconds:F0} ms");

        await agent.ReportOkAsync(Started(id));
        var quiet = await agent.PollAsync(TimeSpan.FromMilliseconds(800));
        Assert.Empty(quiet.Start);
    }

    [Fact]
    public async Task AllRanks_ArePlacedTogether_AndTheJobRunsOnlyOnceEveryRankStarted()
    {
        await using var agent = await TestAgent.StartAsync(_server, cpu: 4);
        var id = await _server.SubmitAsync(ExecutionServer.Item(replicas: 3));
        var work = await agent.PollUntilAsync(w => w.Start.Count(a => a.JobId == id) == 3);
        Assert.Equal([0, 1, 2], work.Start.Select(a => a.Rank).Order());
        Assert.All(work.Start, a => Assert.Equal(3, a.Replicas));

        await agent.ReportOkAsync(Started(id, 0), Started(id, 1));
        Assert.Equal(JobState.InQueue, (await _server.RetrieveAsync(id)).Status.State);
        await agent.ReportOkAsync(Started(id, 2));
        Assert.Equal(JobState.Running, (await _server.RetrieveAsync(id)).Status.State);

        await agent.ReportOkAsync(Exited(id, 0, rank: 0), Exited(id, 0, rank: 1));
        Assert.Equal(JobState.Running, (await _server.RetrieveAsync(id)).Status.State);
        await agent.ReportOkAsync(Exited(id, 0, rank: 2));
        Assert.Equal(JobState.Success, (await _server.RetrieveAsync(id)).Status.State);
    }

    [Fact]
    public async Task AFailedStart_FailsTheJob_NamingTheRank_AndStopsTheOtherRanks()
    {
        await using var agent = await TestAgent.StartAsync(_server, cpu: 4);
        var id = await _server.SubmitAsync(ExecutionServer.Item(replicas: 2));
        await agent.PollUntilAsync(w => w.Start.Count(a => a.JobId == id) == 2);
        await agent.ReportOkAsync(Started(id, 0));

        await agent.ReportOkAsync(Event(id, TaskEventKind.StartFailed, rank: 1, message: "no such file: sh"));

        var failed = await _server.RetrieveAsync(id);
        Assert.Equal(JobState.Failure, failed.Status.State);
        Assert.Contains("Rank 1 failed to start: no such file: sh", failed.Status.Reason, StringComparison.Ordinal);
        var stop = await agent.StopOfAsync(id);
        Assert.Equal(0, stop.Rank);
        await agent.ReportOkAsync(Exited(id, 143, rank: 0));
        Assert.Equal(JobState.Failure, (await _server.RetrieveAsync(id)).Status.State);
    }

    [Fact]
    public async Task Terminate_MovesARunningJobToCanceling_SendsTheStop_AndTheExitEndsItInSuccess()
    {
        await using var agent = await TestAgent.StartAsync(_server);
        var id = await _server.SubmitAsync(ExecutionServer.Item());
        await agent.StartOfAsync(id);
        await agent.ReportOkAsync(Started(id));

        var poll = agent.PollAsync(TimeSpan.FromSeconds(10));
        using (var terminate = await _server.PostAsync(_server.User, "api/jobs/terminate", new { items = new[] { new { id } } }))
        {
            Assert.Equal(HttpStatusCode.OK, terminate.StatusCode);
        }

        Assert.Equal(JobState.Canceling, (await _server.RetrieveAsync(id)).Status.State);
        var stop = Assert.Single((await poll).Stop);
        Assert.Equal((id, 0), (stop.JobId, stop.Rank));
        Assert.Equal(1000, stop.GraceMs);

        await agent.ReportOkAsync(Exited(id, 143));
        var done = await _server.RetrieveAsync(id);
        Assert.Equal(JobState.Success, done.Status.State);
        Assert.Equal("terminated by alice", done.Status.Reason);
    }

    [Fact]
    public async Task Suspend_StopsTheRanks_AndUnsuspend_PlacesTheJobAgain()
    {
        await using var agent = await TestAgent.StartAsync(_server);
        var id = await _server.SubmitAsync(ExecutionServer.Item());
        await agent.StartOfAsync(id);
        await agent.ReportOkAsync(Started(id));

        using (var suspend = await _server.PostAsync(_server.User, "api/jobs/suspend", new { items = new[] { new { id } } }))
        {
            Assert.Equal(HttpStatusCode.OK, suspend.StatusCode);
        }

        await agent.StopOfAsync(id);
        await agent.ReportOkAsync(Exited(id, 143));
        Assert.Equal(JobState.Suspended, (await _server.RetrieveAsync(id)).Status.State);

        using (var unsuspend = await _server.PostAsync(_server.User, "api/jobs/unsuspend", new { items = new[] { new { id } } }))
        {
            Assert.Equal(HttpStatusCode.OK, unsuspend.StatusCode);
        }

        await agent.StartOfAsync(id);
        await agent.ReportOkAsync(Started(id));
        Assert.Equal(JobState.Running, (await _server.RetrieveAsync(id)).Status.State);
    }

    [Fact]
    public async Task TerminatingAPlacedJobBeforeItStarted_EndsIt_AndTellsTheAgentToStopIt()
    {
        await using var agent = await TestAgent.StartAsync(_server);
        var id = await _server.SubmitAsync(ExecutionServer.Item());
        await agent.StartOfAsync(id);

        using (var terminate = await _server.PostAsync(_server.User, "api/jobs/terminate", new { items = new[] { new { id } } }))
        {
            Assert.Equal(HttpStatusCode.OK, terminate.StatusCode);
        }

        Assert.Equal(JobState.Success, (await _server.RetrieveAsync(id)).Status.State);
        await agent.StopOfAsync(id);
        var job = await _server.WaitForAsync(id, j => j.Status.Ranks!.All(r => r.State == RankState.Exited), "without ranks on the node");
        Assert.Equal("terminated by alice", job.Status.Reason);
    }
}
