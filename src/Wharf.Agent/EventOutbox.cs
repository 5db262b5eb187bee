using Microsoft.Extensions.Logging;
using Wharf.Client;
using Wharf.Domain.Agents;

namespace Wharf.Agent;

/// <summary>
/// The task events waiting to reach the server, in the order they happened, sent in batches by <see cref="RunAsync"/>.
/// </summary>
/// <remarks>
/// Delivery is at least once: a batch stays at the head of the queue until the server accepts it, and is sent again
/// (whole) after any failure, so the server may see an event twice and drops repeats. The queue lives in memory only:
/// if the agent dies before the server took an event, that event is lost. Nothing hangs on it: a dead agent stops
/// heartbeating, and the server's lease timeout ends its jobs as lost. A restarted agent learns what the server
/// still wants when it registers, reports the tasks it could not take back as Lost, and reports the exit of those it
/// took back when they end.
/// </remarks>
internal sealed class EventOutbox(AgentSession session, AgentOptions options, ILogger log)
{
    private const int BatchSize = 200;
    private readonly Lock _gate = new();
    private readonly List<TaskEvent> _queue = [];
    private readonly List<(long Sequence, TaskCompletionSource Done, bool Flush)> _waiters = [];
    private readonly Signal _added = new();
    private long _enqueued;
    private long _settled;

    // The sequence number of the last event queued that is not a start.
    private long _lastNotStarted;

    // When the last report was answered (a TimeProvider timestamp); 0 before the first.
    private long _lastSent;

    /// <summary>Queues an event behind every earlier one.</summary>
    public void Add(TaskEvent taskEvent)
    {
        lock (_gate)
        {
            _queue.Add(taskEvent);
            _enqueued++;
            if (taskEvent.Kind != TaskEventKind.Started)
            {
                _lastNotStarted = _enqueued;
            }
        }

        _added.Set();
    }

    /// <summary>Completes once every event queued so far has been taken by the server (or refused by it for good); starts held back go at once.</summary>
    public Task WhenDeliveredAsync(CancellationToken cancellationToken) => WhenDeliveredAsync(exceptStarts: false, cancellationToken);

    /// <summary>
    /// Completes once every event queued so far has been taken by the server (or refused by it for good); with
    /// <paramref name="exceptStarts"/>, every one but the starts among the last of them, which may go on lingering
    /// (see <see cref="AgentOptions.StartedEventLinger"/>). Otherwise starts held back go at once.
    /// </summary>
    public Task WhenDeliveredAsync(bool exceptStarts, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var sequence = exceptStarts ? _lastNotStarted : _enqueued;
            if (_settled >= sequence)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((sequence, done, !exceptStarts));
            if (!exceptStarts)
            {
                // A batch lingering for company goes now: someone waits for it.
                _added.Set();
            }

            return done.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Sends queued events until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            List<TaskEvent> batch;
            bool awaited;
            lock (_gate)
            {
                batch = [.. _queue.Take(BatchSize)];
                awaited = _waiters.Exists(w => w.Flush);
            }

            if (batch.Count == 0)
            {
                await _added.WaitAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (!awaited && Linger(batch) is { } linger)
            {
                // Only starts, soon after the last report: wait for company (or the linger's end) and look again.
                await WaitForCompanyAsync(linger, cancellationToken).ConfigureAwait(false);
                continue;
            }

            try
            {
                await session.CallAsync(
                    "reporting task events",
                    async (client, agentId, token) =>
                    {
                        await client.ReportTaskEventsAsync(new AgentEvents(agentId, batch), token).ConfigureAwait(false);
                        return true;
                    },
                    options.RequestTimeout,
                    cancellationToken).ConfigureAwait(false);
            }
            catch (WharfApiException e)
            {
                // Sending the same batch again would be refused again and hold up every later event.
                log.LogError("The server refused {Count} task event(s) for good, they are dropped: {Problem}", batch.Count, e.Message);
            }

            _lastSent = options.TimeProvider.GetTimestamp();
            Settle(batch.Count);
        }
    }

    /// <summary>
    /// Waits until an event is queued or <paramref name="linger"/> has passed. The wait on the signal is over when this
    /// returns: one left behind would take a later wake-up meant for the loop's next wait, and an event would sit
    /// in the queue until the one after it came.
    /// </summary>
    private async Task WaitForCompanyAsync(TimeSpan linger, CancellationToken cancellationToken)
    {
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var added = _added.WaitAsync(waiting.Token);
        await Task.WhenAny(added, Task.Delay(linger, options.TimeProvider, waiting.Token)).ConfigureAwait(false);
        await waiting.CancelAsync().ConfigureAwait(false);
        try
        {
            await added.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The linger ended first.
        }
    }

    /// <summary>
    /// How much longer a batch of only <see cref="TaskEventKind.Started"/> events may wait for company (see
    /// <see cref="AgentOptions.StartedEventLinger"/>); null when it goes now. A start changes what the server shows,
    /// not what it may place, so it can wait a few milliseconds; an exit frees capacity and never waits.
    /// </summary>
    private TimeSpan? Linger(List<TaskEvent> batch)
    {
        if (_lastSent == 0 || batch.Count >= BatchSize || batch.Exists(e => e.Kind != TaskEventKind.Started))
        {
            return null;
        }

        var left = options.StartedEventLinger - options.TimeProvider.GetElapsedTime(_lastSent);
        return left > TimeSpan.Zero ? left : null;
    }

    private void Settle(int count)
    {
        List<TaskCompletionSource> done;
        lock (_gate)
        {
            _queue.RemoveRange(0, count);
            _settled += count;
            done = [.. _waiters.Where(w => w.Sequence <= _settled).Select(w => w.Done)];
            _waiters.RemoveAll(w => w.Sequence <= _settled);
        }

        foreach (var waiter in done)
        {
            waiter.TrySetResult();
        }
    }
}
