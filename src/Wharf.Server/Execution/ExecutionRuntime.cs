using Wharf.Server.Catalog;
using Wharf.Storage;

namespace Wharf.Server.Execution;

/// <summary>
/// Starts and stops the execution side of a server. At start, before the API serves a request: the catalog is read,
/// the index subscribes to the job feed, and nodes, agents (with a fresh lease each) and every live job are loaded
/// from the store. Then it keeps trying to lead; while it leads it runs the scheduler, the lease watchdog and the
/// expiry timers, and stops them at once if the leadership is lost (another server takes over).
/// </summary>
internal sealed class ExecutionRuntime(
    ExecutionIndex index,
    JobFeed feed,
    IWharfStore store,
    CatalogCache catalog,
    Scheduler scheduler,
    LeaseWatchdog watchdog,
    ExpiryTimers timers,
    ChangeRelay relay,
    ExecutionOptions options,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<ExecutionRuntime> logger) : IHostedService
{
    private static readonly TimeSpan RetryLeadership = TimeSpan.FromSeconds(2);

    private readonly CancellationTokenSource _stopping = new();
    private IDisposable? _subscription;
    private IDisposable? _relaying;
    private Task _relay = Task.CompletedTask;
    private CancellationTokenRegistration _onStopping;
    private Task _leading = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        await catalog.GetAsync(cancellationToken);
        index.ExpiryArmed = timers.Arm;
        _subscription = feed.Subscribe(index.Apply);
        _relaying = feed.Subscribe(relay.Observe);

        var grace = time.GetUtcNow() + options.LeaseTimeout;
        foreach (var agent in await store.Agents.ListAgentsAsync(cancellationToken))
        {
            index.PutAgent(agent, graceUntil: grace);
        }

        foreach (var node in await store.Agents.ListNodesAsync(cancellationToken))
        {
            index.PutNode(node);
        }

        var jobs = 0;
        await foreach (var job in store.Jobs.StreamLiveJobsAsync(cancellationToken))
        {
            index.Apply(job);
            jobs++;
        }

        logger.LogInformation("Loaded {Jobs} live jobs in {Elapsed:F0} ms", jobs, time.GetElapsedTime(started).TotalMilliseconds);
        _leading = Task.Run(() => LeadAsync(_stopping.Token), CancellationToken.None);
        _relay = Task.Run(() => RelayAsync(_stopping.Token), CancellationToken.None);

        // A server on its way down stops leading at once: while it drains requests no heartbeat can reach it, and it
        // must not end the leases of agents that are fine (the next server gives them a fresh lease).
        _onStopping = lifetime.ApplicationStopping.Register(_stopping.Cancel);
    }

    private int _stopped;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // The host stops its services when it stops itself and again when it is disposed; the second time is a no-op.
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync();
        try
        {
            await Task.WhenAll(_leading, _relay).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }

        _relaying?.Dispose();
        _subscription?.Dispose();
        await _onStopping.DisposeAsync();
        _stopping.Dispose();
    }

    private async Task LeadAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            ILeadership? leadership = null;
            try
            {
                leadership = await store.TryLeadAsync(stopping);
                if (leadership is null)
                {
                    await Task.Delay(RetryLeadership, time, stopping);
                    continue;
                }

                logger.LogInformation("This server runs the scheduler");
                using var leading = CancellationTokenSource.CreateLinkedTokenSource(stopping, leadership.Lost);
                var duties = new[]
                {
                    RunDutyAsync("scheduler", scheduler.RunAsync, leading),
                    RunDutyAsync("lease watchdog", watchdog.RunAsync, leading),
                    RunDutyAsync("expiry timers", timers.RunAsync, leading),
                };
                await Task.WhenAll(duties);
                if (!stopping.IsCancellationRequested)
                {
                    logger.LogWarning("This server stopped running the scheduler; trying to take the role again");
                    await Task.Delay(RetryLeadership, time, stopping);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Leading failed; trying again");
                await Task.Delay(RetryLeadership, time, CancellationToken.None);
            }
            finally
            {
                if (leadership is not null)
                {
                    await leadership.DisposeAsync();
                }
            }
        }
    }

    private async Task RelayAsync(CancellationToken stopping)
    {
        try
        {
            await relay.RunAsync(stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogError(e, "Relaying changes between servers stopped");
        }
    }

    /// <summary>Runs one duty until leadership ends; a duty that fails ends the others too, so they restart together.</summary>
    private async Task RunDutyAsync(string name, Func<CancellationToken, Task> duty, CancellationTokenSource leading)
    {
        try
        {
            await duty(leading.Token);
        }
        catch (OperationCanceledException) when (leading.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogError(e, "The {Duty} failed", name);
            await leading.CancelAsync();
        }
    }
}
