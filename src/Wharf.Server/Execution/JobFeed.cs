namespace Wharf.Server.Execution;

/// <summary>
/// The in-process stream of <see cref="JobNotice"/>s. Every writer saves through the store that <see cref="ObservedStore"/>
/// wraps, which publishes here after each successful save, so the scheduler's index, the agents' work, timers and
/// followers all learn of every change, whoever made it. Observers run on the publishing thread and must be quick:
/// they update memory and wake loops, nothing more.
/// </summary>
internal sealed class JobFeed
{
    private volatile Action<JobNotice>[] _observers = [];
    private readonly Lock _gate = new();

    /// <summary>Where failures of observers are logged (set once the host's logging exists).</summary>
    public ILogger Logger { get; set; } = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public IDisposable Subscribe(Action<JobNotice> observer)
    {
        lock (_gate)
        {
            _observers = [.. _observers, observer];
        }

        return new Subscription(this, observer);
    }

    public void Publish(JobNotice notice)
    {
        foreach (var observer in _observers)
        {
            try
            {
                observer(notice);
            }
            catch (Exception e)
            {
                // One broken observer must not keep the others from hearing of the change, nor fail the save.
                Logger.LogError(e, "A job observer failed on {Notice}", notice.GetType().Name);
            }
        }
    }

    private void Unsubscribe(Action<JobNotice> observer)
    {
        lock (_gate)
        {
            _observers = [.. _observers.Where(o => o != observer)];
        }
    }

    private sealed class Subscription(JobFeed feed, Action<JobNotice> observer) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                feed.Unsubscribe(observer);
            }
        }
    }
}
