using Microsoft.Extensions.Logging.Abstractions;
using Wharf.Agent.Drivers;
using Wharf.Agent.Loop.Tests.Support;
using Wharf.Client;
using Wharf.Domain.Agents;
using Wharf.Drivers.Fake;

namespace Wharf.Agent.Loop.Tests;

public sealed class LogShipperTests
{
    [Fact]
    public async Task Shipper_DropsTheOldestLines_AndSaysHowMany_WhenTheBufferIsFull()
    {
        await using var bed = await AgentTestBed.CreateAsync();
        var (http, client, session, options) = await RegisteredSessionAsync(bed, bufferLines: 100);
        using (http)
        using (client)
        {
            var shipper = new LogShipper(session, options, NullLogger.Instance);
            var source = new LogSource(new TaskRef("40", 0), new LogCursor());
            // The server is not asked before all 1000 lines are there: only the newest 100 fit.
            for (var i = 0; i < 1000; i++)
            {
                shipper.Add(source, new TaskLogLine(TaskLogStream.Stdout, $"line {i}", i * 10L));
            }

            using var stop = new CancellationTokenSource();
            var loop = shipper.RunAsync(stop.Token);
            await shipper.WhenShippedAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loop);

            var lines = bed.Server.LogLinesOf("40", "stdout").Select(l => l.Text).ToList();
            Assert.StartsWith("… 900 lines dropped", lines[0], StringComparison.Ordinal);
            Assert.Equal(Enumerable.Range(900, 100).Select(i => $"line {i}"), lines.Skip(1));
            Assert.Equal(9990, source.Shipped.Stdout);
            Assert.Equal(-1, source.Shipped.Stderr);
        }
    }

    [Fact]
    public async Task Shipper_SendsBatchesOfAtMost500Lines_InOrder()
    {
        await using var bed = await AgentTestBed.CreateAsync();
        var (http, client, session, options) = await RegisteredSessionAsync(bed, bufferLines: 10_000);
        using (http)
        using (client)
        {
            var shipper = new LogShipper(session, options, NullLogger.Instance);
            var source = new LogSource(new TaskRef("41", 2), new LogCursor());
            for (var i = 0; i < 1200; i++)
            {
                shipper.Add(source, new TaskLogLine(i % 2 == 0 ? TaskLogStream.Stdout : TaskLogStream.Stderr, $"line {i}", i));
            }

            using var stop = new CancellationTokenSource();
            var loop = shipper.RunAsync(stop.Token);
            await shipper.WhenShippedAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loop);

            Assert.Equal([500, 500, 200], bed.Server.LogBatches.Select(b => b.Lines.Count));
            Assert.Equal(
                Enumerable.Range(0, 1200).Select(i => $"line {i}"),
                bed.Server.LogBatches.SelectMany(b => b.Lines).Select(l => l.Text));
            Assert.All(bed.Server.LogBatches.SelectMany(b => b.Lines), l => Assert.Equal(("41", 2), (l.JobId, l.Rank)));
            Assert.Equal((1198, 1199), (source.Shipped.Stdout, source.Shipped.Stderr));
        }
    }

    [Fact]
    public void LogSource_SkipsLinesItHasAlreadyRead_PerStream()
    {
        var source = new LogSource(new TaskRef("1", 0), new LogCursor(Stdout: 20));

        Assert.False(source.TryRead(new TaskLogLine(TaskLogStream.Stdout, "old", 20)));
        Assert.True(source.TryRead(new TaskLogLine(TaskLogStream.Stdout, "new", 30)));
        Assert.False(source.TryRead(new TaskLogLine(TaskLogStream.Stdout, "again", 30)));
        Assert.True(source.TryRead(new TaskLogLine(TaskLogStream.Stderr, "first", 0)));
    }

    private static async Task<(HttpClient, WharfClient, AgentSession, AgentOptions)> RegisteredSessionAsync(AgentTestBed bed, int bufferLines)
    {
        var options = bed.Options(new FakeDriver()) with { LogBufferLines = bufferLines };
        var http = new HttpClient { BaseAddress = bed.Server.BaseAddress };
        var client = new WharfClient(http, FakeAgentServer.Token);
        var session = new AgentSession(
            client, options, [new NodeRegistration("n", new NodeResources(1, 1))],
            new StateFolder(bed.StateDirectory, NullLogger.Instance), new TaskTable(), NullLogger.Instance);
        await session.RegisterAsync(firstStart: true, CancellationToken.None);
        return (http, client, session, options);
    }
}
