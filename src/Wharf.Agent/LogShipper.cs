using System.Globalization;
using Microsoft.Extensions.Logging;
using Wharf.Agent.Drivers;
using Wharf.Client;
using Wharf.Domain.Agents;

namespace Wharf.Agent;

/// <summary>
/// Ships the lines tasks write to the server (<c>POST /api/agent/logs</c>), in order per rank and stream, in batches
/// of up to 500 lines gathered for up to 100 ms.
/// </summary>
/// <remarks>
/// The lines wait in a bounded buffer: when the server is slower than the tasks (or away), the oldest lines are
/// dropped and the next batch starts with a line saying how many, per rank and stream. The server's copy then has a
/// gap; the files in the rank's log folder on the node hold every line (up to their rotation, see <see cref="TaskLogFiles"/>). A batch that failed is sent again
/// whole, so the server may see a line twice after a failure (or after an agent crash: the shipped position on disk
/// is saved when a task starts, restarts or the agent stops).
/// </remarks>
internal sealed class LogShipper(AgentSession session, AgentOptions options, ILogger log)
{
    private const int BatchLines = 500;
    // A bound on the text held as well, since one line may be up to 64 KiB.
    private const long MaxBufferedChars = 16L * 1024 * 1024;
    private static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(100);
    private readonly Lock _gate = new();
    private readonly Queue<Entry> _buffer = new();
    private readonly List<(LogSource Source, TaskLogStream Stream, long Count)> _dropped = [];
    private readonly List<(long Sequence, TaskCompletionSource Done)> _waiters = [];
    private readonly Signal _added = new();
    private TaskCompletionSource? _batchFull;
    private List<Entry>? _inFlight;
    private long _lastSequence;
    private long _bufferedChars;

    /// <summary>Queues a line a task wrote.</summary>
    public void Add(LogSource source, TaskLogLine line)
    {
        List<TaskCompletionSource> done;
        TaskCompletionSource? full = null;
        lock (_gate)
        {
            var text = new LogLine(source.Task.JobId, source.Task.Rank, StreamName(line.Stream), line.Text, options.TimeProvider.GetUtcNow());
            _buffer.Enqueue(new Entry(++_lastSequence, source, line.Stream, line.Offset, text));
            _bufferedChars += line.Text.Length;
            while (_buffer.Count > options.LogBufferLines || (_bufferedChars > MaxBufferedChars && _buffer.Count > 1))
            {
                Drop(_buffer.Dequeue());
            }

            if (_buffer.Count >= BatchLines)
            {
                full = _batchFull;
                _batchFull = null;
            }

            done = TakeSettledWaiters();
        }

        full?.TrySetResult();
        Complete(done);
        _added.Set();
    }

    /// <summary>Completes once every line queued so far has been taken by the server, or dropped.</summary>
    public Task WhenShippedAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (Settled() >= _lastSequence)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((_lastSequence, done));
            return done.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Ships queued lines until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            bool idle;
            Task? batchFull = null;
            lock (_gate)
            {
                idle = _buffer.Count == 0 && _dropped.Count == 0;
                if (!idle && _buffer.Count < BatchLines)
                {
                    _batchFull = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    batchFull = _batchFull.Task;
                }
            }

            if (idle)
            {
                await _added.WaitAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (batchFull is not null)
            {
                // Gather lines for a moment, unless a full batch is there sooner.
                await Task.WhenAny(batchFull, Task.Delay(BatchWindow, options.TimeProvider, cancellationToken)).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }

            var (lines, entries) = TakeBatch();
            try
            {
                await session.CallAsync(
                    "uploading logs",
                    async (client, agentId, token) =>
                    {
                        await client.UploadTaskLogsAsync(new AgentLogs(agentId, lines), token).ConfigureAwait(false);
                        return true;
                    },
                    options.RequestTimeout,
                    cancellationToken).ConfigureAwait(false);
                foreach (var entry in entries)
                {
                    entry.Source.MarkShipped(entry.Stream, entry.Offset);
                }
            }
            catch (WharfApiException e)
            {
                log.LogError("The server refused {Count} log line(s) for good, they are dropped: {Problem}", lines.Count, e.Message);
            }

            List<TaskCompletionSource> done;
            lock (_gate)
            {
                _inFlight = null;
                done = TakeSettledWaiters();
            }

            Complete(done);
        }
    }

    private (List<LogLine> Lines, List<Entry> Entries) TakeBatch()
    {
        lock (_gate)
        {
            var now = options.TimeProvider.GetUtcNow();
            // The dropped lines were older than any still queued, so their count comes first.
            var lines = _dropped.Select(d => new LogLine(
                d.Source.Task.JobId,
                d.Source.Task.Rank,
                StreamName(d.Stream),
                string.Create(CultureInfo.InvariantCulture, $"… {d.Count} lines dropped: the server did not take them fast enough (the log file on the node keeps them)"),
                now)).ToList();
            _dropped.Clear();
            var entries = new List<Entry>();
            while (entries.Count < BatchLines && _buffer.TryDequeue(out var entry))
            {
                _bufferedChars -= entry.Line.Text.Length;
                entries.Add(entry);
                lines.Add(entry.Line);
            }

            _inFlight = entries;
            return (lines, entries);
        }
    }

    private void Drop(Entry entry)
    {
        _bufferedChars -= entry.Line.Text.Length;
        var index = _dropped.FindIndex(d => d.Source == entry.Source && d.Stream == entry.Stream);
        if (index < 0)
        {
            _dropped.Add((entry.Source, entry.Stream, 1));
        }
        else
        {
            _dropped[index] = _dropped[index] with { Count = _dropped[index].Count + 1 };
        }
    }

    /// <summary>Every line up to this sequence number has been shipped or dropped.</summary>
    private long Settled()
    {
        var oldest = _inFlight is [var first, ..] ? first.Sequence : _buffer.TryPeek(out var head) ? head.Sequence : _lastSequence + 1;
        return oldest - 1;
    }

    private List<TaskCompletionSource> TakeSettledWaiters()
    {
        var settled = Settled();
        var done = _waiters.Where(w => w.Sequence <= settled).Select(w => w.Done).ToList();
        _waiters.RemoveAll(w => w.Sequence <= settled);
        return done;
    }

    private static void Complete(List<TaskCompletionSource> done)
    {
        foreach (var waiter in done)
        {
            waiter.TrySetResult();
        }
    }

    private static string StreamName(TaskLogStream stream) => stream == TaskLogStream.Stdout ? "stdout" : "stderr";

    private sealed record Entry(long Sequence, LogSource Source, TaskLogStream Stream, long Offset, LogLine Line);
}
