using Wharf.Server.Execution;

namespace Wharf.Server.Doors.Tycho;

/// <summary>
/// Wakes a waiting request when any job of one group changes (from the job feed), so start can answer as soon as the
/// ports are allocated instead of polling. Waits are still bounded: a change relayed late only costs the timeout.
/// </summary>
internal sealed class GroupChanges : IDisposable
{
    private readonly IDisposable _subscription;
    private TaskCompletionSource _wake = New();

    public GroupChanges(JobFeed feed, string groupId)
    {
        _subscription = feed.Subscribe(notice =>
        {
            if (notice is JobNotice.Changed changed && changed.Job.Specification.Group?.GroupId == groupId)
            {
                Volatile.Read(ref _wake).TrySetResult();
            }
        });
    }

    /// <summary>Forgets earlier changes; call it before reading the group, so a change made after the read still wakes the wait.</summary>
    public void Arm() => Volatile.Write(ref _wake, New());

    /// <summary>Returns when a job of the group changed since <see cref="Arm"/>, or after <paramref name="timeout"/>.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await Volatile.Read(ref _wake).Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Nothing changed in time; the caller reads the group again and decides.
        }
    }

    public void Dispose() => _subscription.Dispose();

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
