using Wharf.Domain.Jobs;
using Wharf.Domain.Serialization;
using Wharf.Storage;

namespace Wharf.Server.Execution;

/// <summary>
/// The deadlines of running jobs in one priority queue (not a timer per job): the index arms a job's deadline
/// whenever it is saved RUNNING with an <c>expiresAt</c> (start, extend), and the loop (run only by the server that
/// leads) sleeps until the earliest one. At a deadline the job is read again — an extension may have moved it —
/// and, if it is still due, expired: EXPIRED, and its agent told to stop it. Rebuilt from the index at start.
/// </summary>
internal sealed class ExpiryTimers(ExecutionIndex index, IWharfStore store, TimeProvider time, ILogger<ExpiryTimers> logger)
{
    private const int Attempts = 6;
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(5);

    private readonly Lock _gate = new();
    private readonly PriorityQueue<long, DateTimeOffset> _deadlines = new();
    private readonly Dictionary<long, DateTimeOffset> _armed = [];
    private readonly WakeSignal _earlier = new();

    /// <summary>Arms (or moves) a job's deadline. Called by the index; quick, never blocks on I/O.</summary>
    public void Arm(long jobId, DateTimeOffset expiresAt)
    {
        lock (_gate)
        {
            if (_armed.TryGetValue(jobId, out var armed) && armed == expiresAt)
            {
                return;
            }

            _armed[jobId] = expiresAt;
            var earliest = _deadlines.TryPeek(out _, out var first) ? first : DateTimeOffset.MaxValue;
            _deadlines.Enqueue(jobId, expiresAt);
            if (expiresAt < earliest)
            {
                _earlier.Set();
            }
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        foreach (var (id, expiresAt) in index.Deadlines())
        {
            Arm(id, expiresAt);
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            foreach (var jobId in TakeDue(now))
            {
                try
                {
                    await ExpireAsync(jobId, cancellationToken);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    logger.LogError(e, "Expiring job {Job} failed; trying again shortly", jobId);
                    Arm(jobId, now + TimeSpan.FromSeconds(1));
                }
            }

            TimeSpan wait;
            lock (_gate)
            {
                wait = _deadlines.TryPeek(out _, out var first) ? first - time.GetUtcNow() : Idle;
            }

            if (wait > TimeSpan.Zero)
            {
                await _earlier.WaitAsync(wait < Idle ? wait : Idle, time, cancellationToken);
            }
        }
    }

    private List<long> TakeDue(DateTimeOffset now)
    {
        var due = new List<long>();
        lock (_gate)
        {
            while (_deadlines.TryPeek(out var id, out var at) && at <= now)
            {
                _deadlines.Dequeue();

                // Entries for moved or disarmed deadlines are left in the heap and skipped here.
                if (_armed.TryGetValue(id, out var armed) && armed == at)
                {
                    _armed.Remove(id);
                    due.Add(id);
                }
            }
        }

        return due;
    }

    private async Task ExpireAsync(long jobId, CancellationToken cancellationToken)
    {
        var id = jobId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var job = await store.Jobs.GetJobAsync(id, cancellationToken);
            var now = WharfJson.ToMilliseconds(time.GetUtcNow());
            if (job is null || job.Status.State != JobState.Running || job.Status.ExpiresAt is not { } expiresAt)
            {
                return;
            }

            if (expiresAt > now)
            {
                Arm(jobId, expiresAt); // extended meanwhile
                return;
            }

            if (await store.Jobs.TrySaveAsync(job.Apply(JobTransitions.Expire, now), cancellationToken))
            {
                return;
            }
        }
    }
}
