using System.Net.Sockets;
using Wharf.Agent.Drivers;

namespace Wharf.Drivers.Process;

public sealed partial class ProcessDriver
{
    /// <inheritdoc />
    /// <remarks>
    /// The task is the same only if its process id is alive, in this boot, with the start time that was recorded:
    /// a process id alone may since have been given to an unrelated process. A task that ended while no agent was
    /// watching is reported with the exit code its supervisor wrote. Port forwarders lived in the previous agent and
    /// are started again on the same host ports; one that cannot be is reported in <see cref="TaskHandle.Warnings"/>.
    /// </remarks>
    public async Task<TaskHandle?> RecoverAsync(TaskHandleState persisted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(persisted);
        if (persisted.DriverKind != Kind)
        {
            throw new ArgumentException($"the task was started by the {persisted.DriverKind} driver, not the {Kind} driver", nameof(persisted));
        }

        if (_tasks.TryGetValue(persisted.TaskId, out var known))
        {
            return known.Handle;
        }

        if (persisted.ProcessId is not { } pid)
        {
            return null;
        }

        var sameBoot = persisted.BootId is null || persisted.BootId == ProcStat.BootId();
        var alive = sameBoot && ProcessTask.IsLeaderAlive(pid, persisted.ProcessStartTime ?? -1);
        // The supervisor deletes the file before it starts the command, so a recorded exit belongs to this run.
        var recorded = alive ? null : ProcessTask.ReadExit(persisted.Spec);
        if (!alive && recorded is null)
        {
            if (persisted.NetworkNamespace is { } abandoned && _topology is not null)
            {
                await _topology.RemoveIfAbandonedAsync(abandoned, cancellationToken).ConfigureAwait(false);
            }

            return null;
        }

        var warnings = new List<string>();
        var forwards = new List<TcpForward>();
        JobNetwork? network = null;
        if (persisted.NetworkNamespace is { } name)
        {
            if (_topology is null)
            {
                warnings.Add($"the task runs in network namespace {name}, but this driver does not isolate: its ports are not forwarded");
            }
            else if (!File.Exists($"/run/netns/{name}"))
            {
                warnings.Add($"the task's network namespace {name} is gone: its ports and peers cannot be reached");
            }
            else
            {
                (network, var joinWarnings) = await _topology.JoinAsync(persisted.Spec, cancellationToken).ConfigureAwait(false);
                warnings.AddRange(joinWarnings);
                foreach (var (port, number) in alive ? persisted.Ports : new Dictionary<string, int>())
                {
                    try
                    {
                        forwards.Add(ForwardPort(network, number));
                    }
                    catch (SocketException e)
                    {
                        warnings.Add($"port {port} ({number}) cannot be forwarded again: {e.Message}");
                    }
                }
            }
        }

        var task = new ProcessTask(new TaskHandle(persisted, warnings), null, _host.Setsid is not null) { Network = network };
        task.Forwards.AddRange(forwards);
        if (network is null && alive)
        {
            _ports.Hold(persisted.Ports.Values);
            task.ReservedPorts.AddRange(persisted.Ports.Values);
        }

        Register(task);
        if (alive)
        {
            _ = task.WatchRecoveredAsync(_options.PollInterval, _options.TimeProvider);
        }
        else
        {
            task.Ended(recorded!);
        }

        return task.Handle;
    }
}
