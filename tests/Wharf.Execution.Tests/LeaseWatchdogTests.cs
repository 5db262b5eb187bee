using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Wharf.Domain.Agents;
using Wharf.Server;
using Wharf.Server.Execution;
using Wharf.Storage;

namespace Wharf.Execution.Tests;

/// <summary>The lease watchdog on its own, with a host whose start the test controls.</summary>
public sealed class LeaseWatchdogTests : IAsyncLifetime
{
    private static readonly TimeSpan LeaseTimeout = TimeSpan.FromMilliseconds(300);

    private readonly string _directory = Directory.CreateTempSubdirectory("wharf-watchdog-").FullName;
    private IWharfStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = WharfStores.OpenSqlite(Path.Combine(_directory, "wharf.db"));
        await _store.MigrateAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task TheFreshLeaseOfAServerStart_CountsFromWhenTheServerHasStarted()
    {
        // An agent whose stored lease ended long ago, as after a server that was down for a while.
        var longAgo = DateTimeOffset.UtcNow.AddHours(-1);
        await _store.Agents.RegisterAsync(
            new AgentRecord("agent-1", "agent-1", "agent-a", AgentState.Active, longAgo, longAgo, longAgo),
            [new NodeRecord("node-1", "agent-1", new NodeRegistration("node-1", new NodeResources(2, 4), Drivers: ["process"]), NodeState.Ready, false, longAgo)],
            CancellationToken.None);
        var options = new ExecutionOptions { LeaseTimeout = LeaseTimeout };
        var time = TimeProvider.System;
        var index = new ExecutionIndex(_ => null, time, options);
        var relay = new ChangeRelay(_store, new JobFeed(), index, time, NullLogger<ChangeRelay>.Instance);
        var lifetime = new ControlledLifetime();
        var watchdog = new LeaseWatchdog(
            index, new AgentLeases(index, _store, relay, options, time), _store, relay, options, lifetime, time, NullLogger<LeaseWatchdog>.Instance);
        using var stop = new CancellationTokenSource();
        var running = watchdog.RunAsync(stop.Token);
        try
        {
            // The server is still starting (nothing can heartbeat yet) for three lease timeouts: the agent keeps its lease.
            await Task.Delay(LeaseTimeout * 3);
            Assert.Equal(AgentState.Active, (await _store.Agents.GetAgentAsync("agent-1", CancellationToken.None))!.State);

            var started = Stopwatch.StartNew();
            lifetime.Start();
            while ((await _store.Agents.GetAgentAsync("agent-1", CancellationToken.None))!.State == AgentState.Active)
            {
                Assert.True(started.Elapsed < TimeSpan.FromSeconds(20), "the lease never ended");
                await Task.Delay(20);
            }

            // No heartbeat came: the lease ended, a lease timeout after the server had started, not before.
            Assert.True(started.Elapsed >= LeaseTimeout, $"ended {started.Elapsed.TotalMilliseconds:F0} ms after the start");
        }
        finally
        {
            await stop.CancelAsync();
            await running.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private sealed class ControlledLifetime : IHostApplicationLifetime
    {
        private readonly CancellationTokenSource _started = new();

        public CancellationToken ApplicationStarted => _started.Token;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void Start() => _started.Cancel();

        public void StopApplication()
        {
        }
    }
}
