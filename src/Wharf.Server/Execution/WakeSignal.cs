namespace Wharf.Server.Execution;

/// <summary>
/// A coalescing wake-up for one waiting loop: any number of <see cref="Set"/> calls while the loop works collapse
/// into one wake-up, and a <see cref="Set"/> that comes before the loop waits is never lost.
/// </summary>
internal sealed class WakeSignal
{
    private readonly Lock _gate = new();
    private TaskCompletionSource? _waiter;
    private bool _set;

    public void Set()
    {
        TaskCompletionSource? waiter;
        lock (_gate)
        {
            waiter = _waiter;
            _waiter = null;
            _set = waiter is null;
        }

        waiter?.TrySetResult();
    }

    /// <summary>Waits until set (and resets), until <paramref name="timeout"/> passes, or until cancelled. True when set.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        Task wait;
        lock (_gate)
        {
            if (_set)
            {
                _set = false;
                return true;
            }

            _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            wait = _waiter.Task;
        }

        if (timeout == Timeout.InfiniteTimeSpan)
        {
            await wait.WaitAsync(cancellationToken);
            return true;
        }

        try
        {
            await wait.WaitAsync(timeout, time, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
