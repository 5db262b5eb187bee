namespace Wharf.Agent;

/// <summary>
/// A wake-up call between a producer and the one loop that consumes its work: <see cref="Set"/> wakes the waiting
/// loop, or the next wait when none is waiting. Several sets before a wait count as one, so the loop must look at
/// its queue again each time it wakes.
/// </summary>
internal sealed class Signal
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _set = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Wakes the consumer.</summary>
    public void Set()
    {
        lock (_gate)
        {
            _set.TrySetResult();
        }
    }

    /// <summary>Waits until <see cref="Set"/> has been called since the last wait ended.</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        Task set;
        lock (_gate)
        {
            set = _set.Task;
        }

        await set.WaitAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            if (_set.Task == set)
            {
                _set = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }
}
