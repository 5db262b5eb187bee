using System.Net.Sockets;
using Microsoft.Win32.SafeHandles;
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
            // An unnamed namespace in which nothing runs is already gone; one a job named as a peer has a name.
            var abandoned = persisted.NetworkNamespace ?? NameOfUnnamed(persisted);
            if (abandoned is not null && _topology is not null)
            {
                await _topology.RemoveIfAbandonedAsync(abandoned, cancellationToken).ConfigureAwait(false);
            }

            return null;
        }

        var warnings = new List<string>();
        var forwards = new List<TcpForward>();
        var (network, forwardable) = await RejoinAsync(persisted, alive, warnings, cancellationToken).ConfigureAwait(false);
        foreach (var (port, number) in forwardable ? persisted.Ports : new Dictionary<string, int>())
        {
            try
            {
                forwards.Add(ForwardPort(network!, number));
            }
            catch (SocketException e)
            {
                warnings.Add($"port {port} ({number}) cannot be forwarded again: {e.Message}");
            }
        }

        var task = new ProcessTask(new TaskHandle(persisted, warnings), null, SupervisorProcess.OwnsSession) { Network = network };
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

    /// <summary>
    /// Puts a task taken back into its job's network again: a named namespace is adopted by name; an unnamed one through
    /// the leader's <c>/proc/&lt;pid&gt;/ns/net</c>, checked against the identity recorded at the start. Also says whether
    /// the task's ports can be forwarded into it again.
    /// </summary>
    private async Task<(JobNetwork? Network, bool Forwardable)> RejoinAsync(
        TaskHandleState persisted, bool alive, List<string> warnings, CancellationToken cancellationToken)
    {
        persisted.DriverState.TryGetValue(UnnamedNamespaceKey, out var identity);
        var name = persisted.NetworkNamespace ?? NameOfUnnamed(persisted);
        if (name is null && identity is null)
        {
            return (null, false);
        }

        if (_topology is null)
        {
            warnings.Add("the task runs in a network namespace of its own, but this driver does not isolate: its ports are not forwarded");
            return (null, false);
        }

        if (name is not null)
        {
            if (!File.Exists($"/run/netns/{name}"))
            {
                warnings.Add($"the task's network namespace {name} is gone: its ports and peers cannot be reached");
                return (null, false);
            }

            var (network, joinWarnings) = await _topology.JoinAsync(persisted.Spec, cancellationToken).ConfigureAwait(false);
            warnings.AddRange(joinWarnings);
            return (network, alive);
        }

        SafeFileHandle? handle = null;
        if (alive)
        {
            try
            {
                handle = File.OpenHandle($"/proc/{persisted.ProcessId}/ns/net");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }

            // Opened after the leader was found alive: checked again, so that a process id reused in between is never taken.
            if (handle is not null && (NamespaceIdentity.Of(handle) != identity
                || !ProcessTask.IsLeaderAlive(persisted.ProcessId!.Value, persisted.ProcessStartTime ?? -1)))
            {
                handle.Dispose();
                handle = null;
            }

            if (handle is null)
            {
                warnings.Add("the task's network namespace cannot be opened again: its ports cannot be reached");
            }
        }

        var adopted = await _topology.AdoptUnnamedAsync(persisted.Spec.JobId, handle, identity!).ConfigureAwait(false);
        return (adopted, handle is not null);
    }

    /// <summary>The name an unnamed namespace recorded at the start has now, if a job named it as a peer since.</summary>
    private string? NameOfUnnamed(TaskHandleState persisted)
    {
        if (!persisted.DriverState.TryGetValue(UnnamedNamespaceKey, out var identity))
        {
            return null;
        }

        var name = JobNetwork.NameFor(_options.Scope, persisted.Spec.JobId);
        return NamespaceIdentity.AtPath($"/run/netns/{name}") == identity ? name : null;
    }
}
