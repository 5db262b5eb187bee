using System.Diagnostics;
using Wharf.Agent.Loop.Tests.Support;
using Wharf.Client;
using Wharf.Domain.Agents;
using Wharf.Drivers.Fake;
using Wharf.Drivers.Process;

namespace Wharf.Agent.Loop.Tests;

public sealed class AgentLifecycleTests
{
    [Fact]
    public async Task Assignment_IsStartedAndReported_ThenItsExitCodeIsReported()
    {
        await using var bed = await AgentTestBed.CreateAsync();
        var driver = new FakeDriver(new FakeDriverOptions { DefaultRunFor = TimeSpan.FromMilliseconds(300), DefaultExitCode = 3 });
        var host = await AgentHost.StartAsync(bed.Options(driver), CancellationToken.None);
        await using (host)
        {
            var registration = Assert.Single(bed.Server.Registrations);
            Assert.Null(registration.AgentId);
            var node = Assert.Single(registration.Nodes);
            Assert.Equal(["fake"], node.Drivers);
            Assert.Equal(Environment.ProcessorCount, node.Capacity.Cpu);
            Assert.True(node.Capacity.MemoryInGigs > 0);
            Assert.Equal(Environment.MachineName, node.Labels!["node"]);
            Assert.Contains("arch", node.Labels.Keys);
            Assert.Equal("agent-1", host.AgentId);
            Assert.Equal(["agent-1-node-0"], host.NodeIds);

            bed.Server.Start(AgentTestBed.Assignment("41", ports: ["http"]));
            var exited = await bed.Server.WaitForEventAsync("41", 0, TaskEventKind.Exited);

            Assert.Equal([TaskEventKind.Started, TaskEventKind.Exited], bed.Server.EventsOf("41").Select(e => e.Kind));
            var started = bed.Server.EventsOf("41")[0];
            Assert.Equal("127.0.0.1", started.Address);
            Assert.Contains("http", started.Ports!.Keys);
            Assert.Equal(started.Ports, started.HostPorts);
            Assert.Equal(3, exited.ExitCode);
            Assert.True(exited.Timestamp >= started.Timestamp);
            Assert.True(Directory.Exists(Path.Combine(bed.DataDirectory, "jobs", "41", "0", "work")));
            // The rank's folder holds its logs (the fake driver writes them there) beside its working folder.
            Assert.True(File.Exists(Path.Combine(bed.DataDirectory, "jobs", "41", "0", "stdout.log")));
            await bed.Server.WaitUntilAsync(s => s.Heartbeats.Count(h => h == "agent-1") >= 2, "two heartbeats");
        }

        Assert.Empty(bed.PersistedTasks());
        Assert.Equal("agent-1", File.ReadAllText(Path.Combine(bed.StateDirectory, "agent-id")).Trim());
    }

    [Fact]
    public async Task ABusyAgentsStartReport_WaitsForItsNextEvent_AndGoesWithIt()
    {
        await using var bed = await AgentTestBed.CreateAsync();
        // A linger longer than any wait below: a report it held up would time the test out.
        var options = bed.Options(new FakeDriver()) with { StartedEventLinger = TimeSpan.FromSeconds(60) };
        await using var host = await AgentHost.StartAsync(options, CancellationToken.None);

        // The agent's first report goes at once.
        bed.Server.Start(AgentTestBed.Assignment("1"));
        await bed.Server.WaitForEventAsync("1", 0, TaskEventKind.Started);

        // Job 2 starts after the next poll went out (its start takes 100 ms), so nothing waits for its report.
        bed.Server.Start(AgentTestBed.Assignment("2") with { DriverConfig = new Dictionary<string, string> { ["start_for"] = "100ms", ["run_for"] = "200ms" } });
        await bed.Server.WaitForEventAsync("2", 0, TaskEventKind.Exited);

        var carrying = Assert.Single(bed.Server.EventRequests, r => r.Any(e => e.JobId == "2"));
        Assert.Equal([TaskEventKind.Started, TaskEventKind.Exited], carrying.Select(e => e.Kind));
    }

    [Fact]
    public async Task LingeringStartReports_DoNotHoldUpPolls_AndGoWhenTheAgentStops()
    {
        await using var bed = await AgentTestBed.CreateAsync();
        var driver = new FakeDriver();
        var options = bed.Options(driver) with { StartedEventLinger = TimeSpan.FromSeconds(60) };
        var host = await AgentHost.StartAsync(options, CancellationToken.None);
        await using (host)
        {
            bed.Server.Start(AgentTestBed.Assignment("1"));
            await bed.Server.WaitForEventAsync("1", 0, TaskEventKind.Started);
            bed.Server.Start(AgentTestBed.Assignment("2") with { DriverConfig = new Dictionary<string, string> { ["start_for"] = "100ms" } });
            await AgentTestBed.EventuallyAsync(() => driver.StartCount == 2, "job 2 started");

            // Job 2's start is held back; the agent polls all the same and starts job 3.
            bed.Server.Start(AgentTestBed.Assignment("3"));
            await AgentTestBed.EventuallyAsync(() => driver.StartCount == 3, "job 3 started");
            Assert.Empty(bed.Server.EventsOf("2"));
        }

        // Stopping, the agent delivers what it holds.
        var last = bed.Server.EventRequests[^1];
        Assert.Equal([("2", TaskEventKind.Started), ("3", TaskEventKind.Started)], last.Select(e => (e.JobId, e.Kind)));
    }

    [Fact]
    public async Task Assignment_SentAgain_IsNotStartedTwice()
    {
        await using var bed = await AgentTestBed.CreateAsync();
        var driver = new FakeDriver();
        await using var host = await AgentHost.StartAsync(bed.Options(driver), CancellationToken.None);

        bed.Server.Start(AgentTestBed.Assignment("5"));
        await bed.Server.WaitForEventAsync("5", 0, TaskEventKind.Started);
        bed.Server.Start(AgentTestBed.Assignment("5"));
        bed.Server.Start(AgentTestBed.Assignment("6"));
        // Work is applied in order: once job 6 started, the repeat of job 5 has been seen.
        await bed.Server.WaitForEventAsync("6", 0, TaskEventKind.Started);

        Assert.Equal(2, driver.StartCount);
        Assert.Single(bed.Server.EventsOf("5"));
    }

    [Fact]
    public async Task StartFailed_IsReported_WhenTheCommandIsMissing_OrTheAgentLacksTheDriver()
    {
        await using var bed = await AgentTestBed.CreateAsync();
        var driver = new ProcessDriver(new ProcessDriverOptions { NetworkIsolation = NetworkIsolationMode.Disabled });
        await using var host = await AgentHost.StartAsync(bed.Options(driver), CancellationToken.None);

        bed.Server.Start(
            AgentTestBed.Assignment("1", driver: "process", command: ["/nonexistent/wharf-test-command"]),
            AgentTestBed.Assignment("2", driver: "docker"));
        var missingCommand = await bed.Server.WaitForEventAsync("1", 0, TaskEventKind.StartFailed);
        var missingDriver = await bed.Server.WaitForEventAsync("2", 0, TaskEventKind.StartFailed);

        Assert.Contains("/nonexistent/wharf-test-command", missingCommand.Message, StringComparison.Ordinal);
        Assert.Contains("'docker'", missingDriver.Message, StringComparison.Ordinal);
        Assert.Single(bed.Server.EventsOf("1"));
        Assert.Single(bed.Server.EventsOf("2"));
        Assert.Empty(bed.PersistedTasks());
    }

    [Fact]
    public async Task Stop_EndsTheRanksItNames_AndIgnoresTasksTheAgentDoesNotRun()
    {
        await using var bed = await AgentTestBed.CreateAsync();
        var processes = new FakeProcessTable();
        var host = await AgentHost.StartAsync(bed.Options(new FakeDriver(new FakeDriverOptions { Processes = processes })), CancellationToken.None);
        await using (host)
        {
            bed.Server.Start(
                AgentTestBed.Assignment("7", 0, 2), AgentTestBed.Assignment("7", 1, 2),
                AgentTestBed.Assignment("8", 0, 2), AgentTestBed.Assignment("8", 1, 2));
            foreach (var (job, rank) in new[] { ("7", 0), ("7", 1), ("8", 0), ("8", 1) })
            {
                await bed.Server.WaitForEventAsync(job, rank, TaskEventKind.Started);
            }

            bed.Server.Stop(
                new TaskStop("7", null, "terminate", 1000),
                new TaskStop("8", 1, "suspend", 1000),
                new TaskStop("unknown", 0, "terminate", 1000));
            foreach (var (job, rank, reason) in new[] { ("7", 0, "terminate"), ("7", 1, "terminate"), ("8", 1, "suspend") })
            {
                var exited = await bed.Server.WaitForEventAsync(job, rank, TaskEventKind.Exited);
                Assert.Equal(128 + 15, exited.ExitCode);
                Assert.Contains(reason, exited.Message, StringComparison.Ordinal);
                Assert.Equal([TaskEventKind.Started, TaskEventKind.Exited], bed.Server.EventsOf(job, rank).Select(e => e.Kind));
            }
        }

        // Stopping the agent left the rank nobody stopped running, and nothing was said of the unknown task.
        Assert.Equal([TaskEventKind.Started], bed.Server.EventsOf("8", 0).Select(e => e.Kind));
        Assert.Empty(bed.Server.EventsOf("unknown"));
        var left = Assert.Single(bed.PersistedTasks());
        Assert.Equal(("8", 0), (left.Assignment.JobId, left.Assignment.Rank));
        Assert.True(processes.IsAlive(int.Parse(left.Handle.DriverState["fakePid"], System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Dispose_StopsTasksAndReportsTheirExit_WhenAskedToStopTasksOnExit()
    {
        await using var bed = await AgentTestBed.CreateAsync();
        var host = await AgentHost.StartAsync(bed.Options(new FakeDriver()) with { StopTasksOnExit = true }, CancellationToken.None);
        bed.Server.Start(AgentTestBed.Assignment("9"));
        await bed.Server.WaitForEventAsync("9", 0, TaskEventKind.Started);

        await host.DisposeAsync();

        var exited = Assert.Single(bed.Server.EventsOf("9"), e => e.Kind == TaskEventKind.Exited);
        Assert.Contains("shutting down", exited.Message, StringComparison.Ordinal);
        Assert.Empty(bed.PersistedTasks());
    }

    [Fact]
    public async Task LongPoll_HandsWorkToAnIdleAgentAtOnce()
    {
        await using var bed = await AgentTestBed.CreateAsync();
        var host = await AgentHost.StartAsync(bed.Options(new FakeDriver()) with { PollWait = TimeSpan.FromSeconds(60) }, CancellationToken.None);
        await using (host)
        {
            await bed.Server.WaitUntilAsync(s => s.PendingPolls == 1, "the agent to wait for work");
            var clock = Stopwatch.StartNew();
            bed.Server.Start(AgentTestBed.Assignment("10"));
            await bed.Server.WaitForEventAsync("10", 0, TaskEventKind.Started);

            // Far below the 60 s the server may hold the poll: the waiting request itself brought the work.
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
            Assert.Equal(60_000, bed.Server.PollWaits[0]);
        }
    }

    [Fact]
    public async Task Heartbeat_RegistersAgain_WhenTheServerNoLongerKnowsTheAgent()
    {
        await using var bed = await AgentTestBed.CreateAsync();
        var host = await AgentHost.StartAsync(bed.Options(new FakeDriver()) with { PollWait = TimeSpan.FromSeconds(60) }, CancellationToken.None);
        await using (host)
        {
            bed.Server.Start(AgentTestBed.Assignment("11"));
            await bed.Server.WaitForEventAsync("11", 0, TaskEventKind.Started);
            await bed.Server.WaitUntilAsync(s => s.PendingPolls == 1, "the agent to wait for work again");

            bed.Server.Forget("agent-1");
            await bed.Server.WaitUntilAsync(s => s.Heartbeats.Contains("agent-2"), "a heartbeat after registering again");

            Assert.Equal(2, bed.Server.Registrations.Count);
            var again = bed.Server.Registrations[1];
            Assert.Equal("agent-1", again.AgentId);
            Assert.Equal([new TaskRef("11", 0)], again.Running);
            Assert.Equal("agent-2", host.AgentId);
            Assert.Equal("agent-2", File.ReadAllText(Path.Combine(bed.StateDirectory, "agent-id")).Trim());
        }
    }

    [Fact]
    public async Task StartAsync_Throws_WhenTheServerRefusesTheToken()
    {
        await using var bed = await AgentTestBed.CreateAsync();
        var options = bed.Options(new FakeDriver()) with { AgentToken = "not-the-token" };

        var refused = await Assert.ThrowsAsync<WharfApiException>(() => AgentHost.StartAsync(options, CancellationToken.None));

        Assert.Equal("unauthorized", refused.Code);
    }
}
