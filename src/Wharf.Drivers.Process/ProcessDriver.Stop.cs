using Wharf.Agent.Drivers;

namespace Wharf.Drivers.Process;

public sealed partial class ProcessDriver
{
    /// <inheritdoc />
    public async Task StopAsync(TaskHandle handle, TimeSpan grace, CancellationToken cancellationToken)
    {
        var task = Find(handle);
        await task.StopGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (task.Released)
            {
                return;
            }

            await EndAsync(task, grace, cancellationToken).ConfigureAwait(false);
            task.Released = true;
            foreach (var forward in task.Forwards)
            {
                await forward.DisposeAsync().ConfigureAwait(false);
            }

            _ports.Release(task.ReservedPorts);
            if (task.Network is not null)
            {
                await _topology!.LeaveAsync(task.Network, leftNothing: task.TreeEnded).ConfigureAwait(false);
            }

            _tasks.TryRemove(task.Handle.TaskId, out _);
        }
        finally
        {
            task.StopGate.Release();
        }
    }

    /// <summary>TERM to every process of the task, up to the grace period for them to end, then KILL.</summary>
    private async Task EndAsync(ProcessTask task, TimeSpan grace, CancellationToken cancellationToken)
    {
        if (!task.OwnSession)
        {
            await EndWithoutSessionAsync(task, grace, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!task.IsRunning())
        {
            return;
        }

        foreach (var (signal, limit) in new[] { (Libc.SigTerm, grace), (Libc.SigKill, TimeSpan.FromSeconds(10)) })
        {
            if (!task.Exit.IsCompleted)
            {
                task.SignalSent = signal;
            }

            ProcessSession.Signal(task.Pid, task.StartTime, signal);
            var deadline = _options.TimeProvider.GetTimestamp();
            while (task.IsRunning() && _options.TimeProvider.GetElapsedTime(deadline) < limit)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), _options.TimeProvider, cancellationToken).ConfigureAwait(false);
            }

            if (!task.IsRunning())
            {
                // The leader's exit is reported by its watcher a moment after the session empties.
                await task.Exit.WaitAsync(TimeSpan.FromSeconds(10), _options.TimeProvider, cancellationToken).ConfigureAwait(false);
                return;
            }
        }
    }

    /// <summary>Where there are no sessions (not Linux): the leader gets TERM, then .NET kills the tree it can see.</summary>
    private async Task EndWithoutSessionAsync(ProcessTask task, TimeSpan grace, CancellationToken cancellationToken)
    {
        if (task.Process is not { } process || task.Exit.IsCompleted)
        {
            return;
        }

        if (!OperatingSystem.IsWindows())
        {
            task.SignalSent = Libc.SigTerm;
            Libc.Kill(process.Id, Libc.SigTerm);
        }

        try
        {
            await task.Exit.WaitAsync(grace, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            task.SignalSent = Libc.SigKill;
            process.Kill();
            await task.Exit.WaitAsync(TimeSpan.FromSeconds(10), _options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
    }
}
