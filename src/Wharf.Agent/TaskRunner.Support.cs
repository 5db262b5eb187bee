using System.Globalization;
using Microsoft.Extensions.Logging;
using Wharf.Agent.Drivers;
using Wharf.Domain.Agents;

namespace Wharf.Agent;

internal sealed partial class TaskRunner
{
    /// <summary>Takes a newly started handle as the current one, persists it, and returns a stop order that came meanwhile.</summary>
    private StopOrder? Adopt(TaskHandle handle)
    {
        StopOrder? stop;
        lock (_gate)
        {
            _handle = handle;
            stop = _stop;
        }

        Persist();
        return stop;
    }

    private TaskHandle? CurrentHandle()
    {
        lock (_gate)
        {
            return _handle;
        }
    }

    private StopOrder? CurrentStop()
    {
        lock (_gate)
        {
            return _stop;
        }
    }

    private void Persist()
    {
        if (CurrentHandle() is { } handle)
        {
            _context.State.SaveTask(new PersistedTask(Assignment, handle.State, Logs.Shipped));
        }
    }

    /// <summary>Leaves the task table; keeps the persisted handle for the next agent, or removes it.</summary>
    private void Finish(bool keep)
    {
        try
        {
            if (keep)
            {
                Persist();
            }
            else
            {
                _context.State.RemoveTask(Ref);
            }
        }
        catch (IOException e)
        {
            _context.Log.LogError(e, "The state of job {JobId} rank {Rank} could not be saved", Ref.JobId, Ref.Rank);
        }
        finally
        {
            _context.Tasks.Remove(this);
        }
    }

    private async Task FollowLogsAsync(TaskHandle handle)
    {
        if (_driver is not ILogStreamingDriver streaming)
        {
            return;
        }

        try
        {
            await foreach (var line in streaming.FollowLogsAsync(handle, _context.Detaching).ConfigureAwait(false))
            {
                if (Logs.TryRead(line))
                {
                    _context.Logs.Add(Logs, line);
                }
            }
        }
        catch (OperationCanceledException) when (_context.Detaching.IsCancellationRequested)
        {
            // The agent stops; the next one goes on from what the server took.
        }
        catch (Exception e)
        {
            _context.Log.LogWarning(e, "The logs of job {JobId} rank {Rank} cannot be followed", Ref.JobId, Ref.Rank);
        }
    }

    /// <summary>Stops the task in the driver in the background; the runner sees the exit through its wait.</summary>
    private void StopInDriver(TaskHandle handle, TimeSpan grace) => _ = Task.Run(async () =>
    {
        try
        {
            // Not tied to the agent's stop: a stop that was ordered is carried out, and is bounded by its grace
            // (and the hooks by their timeouts).
            await BeforeStopAsync(handle).ConfigureAwait(false);
            await _driver.StopAsync(handle, grace, CancellationToken.None).ConfigureAwait(false);
            await AfterStopAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _context.Log.LogError(e, "Job {JobId} rank {Rank} could not be stopped", Ref.JobId, Ref.Rank);
        }
    });

    /// <summary>Lets the driver release what it held for a task that has ended (ports, forwarders, namespaces).</summary>
    private async Task ReleaseAsync(TaskHandle handle)
    {
        try
        {
            await _driver.StopAsync(handle, TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _context.Log.LogWarning(e, "The driver could not release job {JobId} rank {Rank}", Ref.JobId, Ref.Rank);
        }
    }

    private void Report(TaskEventKind kind, TaskHandle? handle = null, int? exitCode = null, string? message = null) =>
        _context.Events.Add(new TaskEvent
        {
            JobId = Ref.JobId,
            Rank = Ref.Rank,
            Kind = kind,
            Timestamp = _context.Time.GetUtcNow(),
            ExitCode = exitCode,
            Address = handle?.State.PortAddress,
            // The driver reaches a task's ports on the node at the same numbers as inside it (it forwards them).
            Ports = handle?.Ports,
            HostPorts = handle?.Ports,
            Message = message,
        });

    private static string Describe(ExitResult exit, StopOrder? stop)
    {
        var how = exit.Error ?? (exit.Signal is { } signal
            ? string.Create(CultureInfo.InvariantCulture, $"ended by signal {signal} (exit code {exit.ExitCode})")
            : string.Create(CultureInfo.InvariantCulture, $"exited with code {exit.ExitCode}"));
        return stop is null ? how : $"stopped ({stop.Reason}): {how}";
    }

    /// <summary>A stop the server (or the agent itself) ordered.</summary>
    private sealed record StopOrder(TimeSpan Grace, string Reason, bool ReportExit);
}
