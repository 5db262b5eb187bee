using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Wharf.Server.Execution;

/// <summary>
/// Ranks' logs: appended as agents upload them to <c>{data}/logs/&lt;jobId&gt;/&lt;rank&gt;/&lt;stream&gt;.log</c>
/// (size-capped, rotated; see <see cref="LogStream"/>), read back by number, and handed to followers as they are
/// written — under the stream's lock, so followers get each stream's lines in order and numbered as they are stored.
/// </summary>
internal sealed partial class JobLogs(WharfServerOptions server, ExecutionOptions options, TimeProvider time)
{
    public const int MaxLineLength = 64 * 1024;
    private const int MaxOpenStreams = 4096;
    private static readonly TimeSpan IdleStream = TimeSpan.FromMinutes(1);

    private readonly string _root = Path.Combine(Path.GetFullPath(server.DataDirectory), "logs");
    private readonly ConcurrentDictionary<(string JobId, int Rank, string Stream), LogStream> _streams = new();
    private readonly ConcurrentDictionary<string, Action<LogEntry>[]> _followers = new(StringComparer.Ordinal);
    private readonly Lock _followGate = new();

    /// <summary>True for a stream name a log file may carry: 1–32 of a-z 0-9 _ . -, starting with a letter or digit.</summary>
    public static bool IsStreamName(string? name) => name is not null && StreamName().IsMatch(name);

    /// <summary>Appends lines of one rank's stream and hands them to the job's followers.</summary>
    public void Append(string jobId, int rank, string stream, IReadOnlyList<(string Text, DateTimeOffset Timestamp)> lines)
    {
        if (lines.Count == 0)
        {
            return;
        }

        var clean = lines.Select(l => (Clean(l.Text), l.Timestamp)).ToList();
        while (true)
        {
            var log = Open(jobId, rank, stream);
            lock (log.Gate)
            {
                if (log.Retired)
                {
                    continue;
                }

                log.LastUsed = time.GetTimestamp();
                var first = log.Append(clean);
                if (_followers.TryGetValue(jobId, out var followers))
                {
                    for (var i = 0; i < clean.Count; i++)
                    {
                        var entry = new LogEntry(rank, stream, first + i, clean[i].Item1, clean[i].Timestamp);
                        foreach (var follower in followers)
                        {
                            follower(entry);
                        }
                    }
                }

                return;
            }
        }
    }

    /// <summary>Up to <paramref name="limit"/> lines of one stream from line <paramref name="from"/> on; the page says where older lines were dropped.</summary>
    public LogPage Read(string jobId, int rank, string stream, long from, int limit)
    {
        while (true)
        {
            var log = Open(jobId, rank, stream);
            lock (log.Gate)
            {
                if (log.Retired)
                {
                    continue;
                }

                log.LastUsed = time.GetTimestamp();
                var (lines, next, first) = log.Read(from, limit);
                return new LogPage(first, next, [.. lines.Select(l => new LogEntry(rank, stream, l.Line, l.Text, l.Timestamp))]);
            }
        }
    }

    /// <summary>The ranks and streams a job has logs for, in order.</summary>
    public List<(int Rank, string Stream)> StreamsOf(string jobId)
    {
        var directory = Path.Combine(_root, jobId);
        var streams = new List<(int, string)>();
        if (!Directory.Exists(directory))
        {
            return streams;
        }

        foreach (var rankDirectory in Directory.EnumerateDirectories(directory))
        {
            if (!int.TryParse(Path.GetFileName(rankDirectory), NumberStyles.None, CultureInfo.InvariantCulture, out var rank))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(rankDirectory, "*.log"))
            {
                var stream = Path.GetFileNameWithoutExtension(file);
                if (IsStreamName(stream))
                {
                    streams.Add((rank, stream));
                }
            }
        }

        return [.. streams.OrderBy(s => s.Item1).ThenBy(s => s.Item2, StringComparer.Ordinal)];
    }

    /// <summary>Hands every line written to the job's logs from now on to <paramref name="observer"/> (called under a stream's lock: be quick).</summary>
    public IDisposable Follow(string jobId, Action<LogEntry> observer)
    {
        lock (_followGate)
        {
            _followers[jobId] = [.. _followers.GetValueOrDefault(jobId) ?? [], observer];
        }

        return new Following(this, jobId, observer);
    }

    private void Unfollow(string jobId, Action<LogEntry> observer)
    {
        lock (_followGate)
        {
            var rest = (_followers.GetValueOrDefault(jobId) ?? []).Where(o => o != observer).ToArray();
            if (rest.Length == 0)
            {
                _followers.TryRemove(jobId, out _);
            }
            else
            {
                _followers[jobId] = rest;
            }
        }
    }

    private LogStream Open(string jobId, int rank, string stream)
    {
        if (_streams.Count > MaxOpenStreams)
        {
            Retire();
        }

        return _streams.GetOrAdd((jobId, rank, stream), key => new LogStream(
            Path.Combine(_root, key.JobId, key.Rank.ToString(CultureInfo.InvariantCulture)), key.Stream, options.MaxLogFileBytes));
    }

    /// <summary>Drops idle streams from the cache; their state is read from disk again when next used.</summary>
    private void Retire()
    {
        var now = time.GetTimestamp();
        foreach (var (key, log) in _streams)
        {
            if (log.Gate.TryEnter())
            {
                try
                {
                    if (time.GetElapsedTime(log.LastUsed, now) > IdleStream)
                    {
                        log.Retired = true;
                        _streams.TryRemove(key, out _);
                    }
                }
                finally
                {
                    log.Gate.Exit();
                }
            }
        }
    }

    private static string Clean(string? text)
    {
        text ??= "";
        if (text.Length > MaxLineLength)
        {
            text = text[..MaxLineLength];
        }

        return text.Contains('\n', StringComparison.Ordinal) || text.Contains('\r', StringComparison.Ordinal)
            ? text.Replace("\r\n", " ", StringComparison.Ordinal).Replace('\n', ' ').Replace('\r', ' ')
            : text;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_.-]{0,31}$")]
    private static partial Regex StreamName();

    private sealed class Following(JobLogs logs, string jobId, Action<LogEntry> observer) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                logs.Unfollow(jobId, observer);
            }
        }
    }
}

/// <summary>A page of one stream's lines.</summary>
/// <param name="First">The number of the oldest line still stored (older ones were rotated away).</param>
/// <param name="Next">The number to read from next.</param>
/// <param name="Lines">The lines.</param>
internal sealed record LogPage(long First, long Next, IReadOnlyList<LogEntry> Lines);
