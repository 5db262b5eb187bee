using System.Globalization;
using System.Text.RegularExpressions;
using Wharf.Agent.Loop.Tests.Support;
using Wharf.Domain.Agents;
using Wharf.Drivers.Fake;
using Wharf.Drivers.Process;

namespace Wharf.Agent.Loop.Tests;

public sealed partial class RestartAndLogTests
{
    [Fact]
    public async Task RestartOnExit_StartsTheRankAgain_WithGrowingDelays_UntilItIsStopped()
    {
        await using var bed = await AgentTestBed.CreateAsync();
        var driver = new FakeDriver(new FakeDriverOptions { DefaultRunFor = TimeSpan.Zero, DefaultExitCode = 1 });
        var host = await AgentHost.StartAsync(bed.Options(driver), CancellationToken.None);
        await using (host)
        {
            bed.Server.Start(AgentTestBed.Assignment("20", restartOnExit: true));
            await bed.Server.WaitForEventAsync("20", 0, TaskEventKind.Restarted, count: 4);
            bed.Server.Stop(new TaskStop("20", null, "terminate", 1000));
            await bed.Server.WaitForEventAsync("20", 0, TaskEventKind.Exited);
        }

        var events = bed.Server.EventsOf("20");
        Assert.Equal(TaskEventKind.Started, events[0].Kind);
        Assert.Equal(TaskEventKind.Exited, events[^1].Kind);
        Assert.Contains("terminate", events[^1].Message, StringComparison.Ordinal);
        var restarts = events.Where(e => e.Kind == TaskEventKind.Restarted).ToList();
        Assert.Equal(events.Count - 2, restarts.Count);
        Assert.Equal(1 + restarts.Count, driver.StartCount);

        var delays = restarts.Select(e => long.Parse(RestartDelay().Match(e.Message!).Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal([20, 40, 80, 160], delays.Take(4));
        for (var i = 1; i < events.Count - 1; i++)
        {
            Assert.Equal(1, events[i].ExitCode);
            // Each restart came no sooner than its delay after the run before it. Event times are whole milliseconds of
            // the wall clock, and the delay runs on the monotonic one, which the VM's clock corrections can set a
            // millisecond or two apart over a run: a few ms of slack, far less than the delays grow by.
            var gap = events[i].Timestamp - events[i - 1].Timestamp;
            Assert.True(gap >= TimeSpan.FromMilliseconds(delays[i - 1] - 5), $"restart {i} came {gap.TotalMilliseconds} ms after the run before it");
        }
    }

    [Fact]
    public async Task Logs_AreShippedInOrder_BeforeTheExitIsReported()
    {
        await using var bed = await AgentTestBed.CreateAsync();
        var driver = new ProcessDriver(new ProcessDriverOptions { NetworkIsolation = NetworkIsolationMode.Disabled, PollInterval = TimeSpan.FromMilliseconds(20) });
        await using var host = await AgentHost.StartAsync(bed.Options(driver), CancellationToken.None);

        bed.Server.Start(AgentTestBed.Assignment("30", driver: "process", command:
            ["sh", "-c", "i=1; while [ $i -le 2000 ]; do echo \"line $i\"; i=$((i+1)); done; echo \"$GREETING from stderr\" >&2"]));
        var exited = await bed.Server.WaitForEventAsync("30", 0, TaskEventKind.Exited);

        // Taken at the moment the exit arrived: every line was already there.
        var stdout = bed.Server.LogLinesOf("30", "stdout");
        Assert.Equal(0, exited.ExitCode);
        Assert.Equal(Enumerable.Range(1, 2000).Select(i => $"line {i}"), stdout.Select(l => l.Text));
        Assert.Equal(["hello from stderr"], bed.Server.LogLinesOf("30", "stderr").Select(l => l.Text));
        Assert.All(bed.Server.LogBatches, b => Assert.InRange(b.Lines.Count, 1, 500));
        Assert.All(stdout, l => Assert.Equal(0, l.Rank));
    }

    [GeneratedRegex(@"started again after (\d+) ms")]
    private static partial Regex RestartDelay();
}
