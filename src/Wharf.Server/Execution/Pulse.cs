namespace Wharf.Server.Execution;

/// <summary>
/// A broadcast "something changed": every waiter holding the task of the current generation is released by
/// <see cref="Fire"/>. Take <see cref="Next"/> before looking at the state, then wait on it, and no change is missed.
/// </summary>
internal sealed class Pulse
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next <see cref="Fire"/>.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    public void Fire()
    {
        var fired = Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        fired.TrySetResult();
    }
}
