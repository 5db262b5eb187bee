using Microsoft.Extensions.Logging;
using Wharf.Agent.Drivers;
using Wharf.Client;
using Wharf.Domain.Agents;

namespace Wharf.Agent;

/// <summary>
/// A running agent (Nomad's client): it registers its nodes with a server, heartbeats, waits for placements, runs
/// them through its drivers and reports their events and logs back, each concern in a loop of its own. It talks to
/// the server over HTTP only, through <see cref="WharfClient"/>, so it runs the same next to a server in one process
/// (<c>wharf up</c>) as on another host (<c>wharf agent</c>).
/// </summary>
/// <remarks>
/// Stopping the agent (<see cref="DisposeAsync"/>) leaves its tasks running, unless
/// <see cref="AgentOptions.StopTasksOnExit"/>: their handles stay in the state folder, and the next start takes them
/// back (<see cref="IDriver.RecoverAsync"/>), reports as Lost those that are gone, and registers the others as running.
/// </remarks>
public sealed class AgentHost : IAsyncDisposable
{
    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(5);
    private readonly AgentContext _context;
    private readonly AgentSession _session;
    private readonly HttpClient _http;
    private readonly WharfClient _client;
    private readonly CancellationTokenSource _polling;
    private readonly CancellationTokenSource _delivering;
    private readonly CancellationTokenSource _detaching;
    private readonly List<Task> _pollingLoops = [];
    private readonly List<Task> _deliveryLoops = [];
    private int _disposed;

    private AgentHost(AgentContext context, AgentSession session, HttpClient http, WharfClient client, CancellationTokenSource detaching)
    {
        _context = context;
        _session = session;
        _http = http;
        _client = client;
        _detaching = detaching;
        _polling = new CancellationTokenSource();
        _delivering = new CancellationTokenSource();
    }

    /// <summary>The agent's id, as the server gave it (it may change when the agent has to register again).</summary>
    public string AgentId => _session.AgentId;

    /// <summary>The ids the server gave the agent's nodes, in the order they were declared.</summary>
    public IReadOnlyList<string> NodeIds => _session.NodeIds;

    /// <summary>
    /// Starts an agent: takes back the tasks a previous run left (reporting those that are gone as Lost), registers
    /// (trying again until the server answers; a refusal such as a wrong token is thrown), then starts its loops.
    /// From this call on the agent owns <see cref="AgentOptions.Drivers"/> and disposes them when it stops.
    /// </summary>
    public static async Task<AgentHost> StartAsync(AgentOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Problems() is { Count: > 0 } problems)
        {
            throw new ArgumentException(string.Join("; ", problems), nameof(options));
        }

        var log = options.LoggerFactory.CreateLogger("Wharf.Agent");
        // Timeouts are set per request: the long poll needs more time than any other call.
        var http = new HttpClient(options.ServerHandler ?? new SocketsHttpHandler()) { BaseAddress = options.ServerUrl, Timeout = Timeout.InfiniteTimeSpan };
        var client = new WharfClient(http, options.AgentToken);
        var detaching = new CancellationTokenSource();
        var drivers = options.Drivers.ToDictionary(d => d.Kind, StringComparer.Ordinal);
        var tasks = new TaskTable();
        var state = new StateFolder(options.StateDirectory, log);
        var data = new DataFolder(options.DataDirectory);
        Directory.CreateDirectory(data.Root);
        var nodes = options.Nodes ?? [HostNode.Describe(data.Root, drivers.Keys.Order(StringComparer.Ordinal))];
        var session = new AgentSession(client, options, nodes, state, tasks, log);
        var context = new AgentContext
        {
            Options = options,
            Drivers = drivers,
            State = state,
            Data = data,
            Events = new EventOutbox(session, options, log),
            Logs = new LogShipper(session, options, log),
            Tasks = tasks,
            Rendered = new RenderedFileUploads(session, options, log, detaching.Token),
            HookLogs = new HookLogUploads(session, options, log, detaching.Token),
            Log = log,
            Detaching = detaching.Token,
        };
        var host = new AgentHost(context, session, http, client, detaching);
        try
        {
            var recovered = await host.RecoverAsync(cancellationToken).ConfigureAwait(false);
            await session.RegisterAsync(firstStart: true, cancellationToken).ConfigureAwait(false);
            foreach (var runner in recovered)
            {
                runner.Start();
            }

            host.StartLoops();
            return host;
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Runs an agent until <paramref name="cancellationToken"/> is cancelled (Ctrl-C), then stops it gracefully.</summary>
    public static async Task RunAsync(AgentOptions options, CancellationToken cancellationToken)
    {
        var host = await StartAsync(options, cancellationToken).ConfigureAwait(false);
        await using (host.ConfigureAwait(false))
        {
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The way an agent is asked to stop.
            }
        }
    }

    /// <summary>
    /// Stops the agent: no more work is taken; tasks are stopped only with <see cref="AgentOptions.StopTasksOnExit"/>;
    /// events and logs still queued get a few seconds to reach the server; then the drivers are disposed.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _polling.CancelAsync().ConfigureAwait(false);
        await Settle(_pollingLoops, TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        if (_context.Options.StopTasksOnExit)
        {
            var runners = _context.Tasks.All();
            foreach (var runner in runners)
            {
                runner.RequestStop(_context.Options.StopGrace, "the agent is shutting down", reportExit: true);
            }

            await Settle([.. runners.Select(r => r.Completion)], _context.Options.StopGrace + TimeSpan.FromSeconds(15)).ConfigureAwait(false);
        }

        await Settle([_context.Events.WhenDeliveredAsync(CancellationToken.None), _context.Logs.WhenShippedAsync(CancellationToken.None)], FlushTimeout)
            .ConfigureAwait(false);
        await _detaching.CancelAsync().ConfigureAwait(false);
        await Settle([.. _context.Tasks.All().Select(r => r.Completion)], FlushTimeout).ConfigureAwait(false);
        await _delivering.CancelAsync().ConfigureAwait(false);
        await Settle(_deliveryLoops, FlushTimeout).ConfigureAwait(false);
        foreach (var driver in _context.Drivers.Values)
        {
            try
            {
                await driver.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                _context.Log.LogWarning(e, "The {Driver} driver could not be disposed cleanly", driver.Kind);
            }
        }

        _context.State.Close();
        _client.Dispose();
        _http.Dispose();
        _polling.Dispose();
        _delivering.Dispose();
        _detaching.Dispose();
    }

    /// <summary>Takes back the tasks the state folder lists; queues a Lost event for each one that is gone.</summary>
    private async Task<List<TaskRunner>> RecoverAsync(CancellationToken cancellationToken)
    {
        var runners = new List<TaskRunner>();
        foreach (var persisted in _context.State.LoadTasks())
        {
            var task = new TaskRef(persisted.Assignment.JobId, persisted.Assignment.Rank);
            string? lost;
            TaskHandle? handle = null;
            if (!_context.Drivers.TryGetValue(persisted.Handle.DriverKind, out var driver))
            {
                lost = $"the agent restarted without its '{persisted.Handle.DriverKind}' driver";
            }
            else
            {
                try
                {
                    handle = await driver.RecoverAsync(persisted.Handle, cancellationToken).ConfigureAwait(false);
                    lost = handle is null ? "the task was gone when the agent restarted" : null;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    lost = $"the task could not be taken back when the agent restarted: {e.Message}";
                }
            }

            if (handle is null || driver is null || lost is not null)
            {
                _context.Log.LogWarning("Job {JobId} rank {Rank} is lost: {Reason}", task.JobId, task.Rank, lost);
                _context.Events.Add(new TaskEvent
                {
                    JobId = task.JobId, Rank = task.Rank, Kind = TaskEventKind.Lost, Timestamp = _context.Time.GetUtcNow(), Message = lost,
                });
                _context.State.RemoveTask(task);
                continue;
            }

            var runner = TaskRunner.ForRecovered(_context, driver, persisted, handle);
            if (_context.Tasks.TryAdd(runner))
            {
                _context.Log.LogInformation("Took back job {JobId} rank {Rank} ({Task})", task.JobId, task.Rank, handle);
                runners.Add(runner);
            }
        }

        return runners;
    }

    private void StartLoops()
    {
        var work = new WorkLoop(_context, _session);
        var heartbeat = new HeartbeatLoop(_context, _session);
        _pollingLoops.Add(Supervise("work", work.RunAsync, _polling.Token));
        _pollingLoops.Add(Supervise("heartbeat", heartbeat.RunAsync, _polling.Token));
        _deliveryLoops.Add(Supervise("events", _context.Events.RunAsync, _delivering.Token));
        _deliveryLoops.Add(Supervise("logs", _context.Logs.RunAsync, _delivering.Token));
    }

    /// <summary>Runs a loop until cancelled; a loop that fails is logged and started again after a pause, never left dead.</summary>
    private Task Supervise(string name, Func<CancellationToken, Task> loop, CancellationToken cancellationToken) => Task.Run(async () =>
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await loop(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _context.Log.LogError(e, "The agent's {Loop} loop failed; it starts again", name);
                try
                {
                    await Task.Delay(_context.Options.MaxRetryDelay, _context.Time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }, CancellationToken.None);

    private async Task Settle(IReadOnlyList<Task> tasks, TimeSpan timeout)
    {
        try
        {
            await Task.WhenAll(tasks).WaitAsync(timeout, _context.Time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _context.Log.LogWarning("The agent stopped before {Count} of its activities finished", tasks.Count(t => !t.IsCompleted));
        }
        catch (Exception)
        {
            // Loops end by cancellation; failures were logged where they happened.
        }
    }
}
