using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Wharf.Domain.Jobs;
using Wharf.Domain.Serialization;

namespace Wharf.Server.Execution;

/// <summary>
/// One follower of a job (<c>GET /api/jobs/follow</c>) as Server-Sent Events: first the job (<c>event: job</c>), then
/// every stored log line from the first (<c>event: log</c>), then every state change (<c>event: status</c>) and log
/// line as they happen, and <c>event: end</c> once the job has ended and its last lines are in. It subscribes to the
/// live lines and changes before it reads what is stored, and skips live lines whose numbers it already sent, so
/// nothing is missed and nothing repeats.
/// </summary>
internal sealed class JobFollow(JobLogs logs, JobFeed feed, TimeProvider time)
{
    private const int PageSize = 1000;
    private const int MaxBacklog = 200_000;
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    /// <summary>After the job ended, how long without new lines before the stream ends (the agent ships the last lines before it reports the exit).</summary>
    private static readonly TimeSpan EndQuiet = TimeSpan.FromMilliseconds(500);

    public async Task StreamAsync(HttpResponse response, Job job, Func<CancellationToken, Task<Job?>> reload, CancellationToken cancellationToken)
    {
        var items = Channel.CreateUnbounded<object>();
        var backlog = 0;
        void Offer(object item)
        {
            if (Interlocked.Increment(ref backlog) <= MaxBacklog)
            {
                items.Writer.TryWrite(item);
            }
        }

        using var lines = logs.Follow(job.Id, Offer);
        using var changes = feed.Subscribe(notice =>
        {
            if (notice is JobNotice.Changed changed && changed.Job.Id == job.Id)
            {
                Offer(changed);
            }
        });

        // Read after subscribing: a change saved in between is both here and in the channel, and the version tells.
        job = await reload(cancellationToken) ?? job;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await SendAsync(response, "job", JsonSerializer.Serialize(job, WharfJson.Options), cancellationToken);

        var next = new Dictionary<(int, string), long>();
        foreach (var (rank, stream) in logs.StreamsOf(job.Id))
        {
            var from = 0L;
            while (true)
            {
                var page = logs.Read(job.Id, rank, stream, from, PageSize);
                foreach (var entry in page.Lines)
                {
                    await SendAsync(response, "log", Line(entry), cancellationToken);
                }

                next[(rank, stream)] = page.Next;
                if (page.Lines.Count < PageSize)
                {
                    break;
                }

                from = page.Next;
            }
        }

        await response.Body.FlushAsync(cancellationToken);
        var version = job.Version;
        var ended = Ended(job.Status);
        while (true)
        {
            var wait = ended ? EndQuiet : KeepAlive;
            object? item;
            try
            {
                item = await ReadAsync(items.Reader, wait, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (Volatile.Read(ref backlog) > MaxBacklog)
            {
                await SendAsync(response, "error", "{\"message\":\"the follower fell too far behind; follow again\"}", cancellationToken);
                return;
            }

            if (item is null)
            {
                if (ended)
                {
                    await SendAsync(response, "end", "{}", cancellationToken);
                    return;
                }

                await response.WriteAsync(": keep-alive\n\n", cancellationToken);
                await response.Body.FlushAsync(cancellationToken);
                continue;
            }

            Interlocked.Decrement(ref backlog);
            switch (item)
            {
                case LogEntry entry:
                    var key = (entry.Rank, entry.Stream);
                    if (entry.Line < next.GetValueOrDefault(key))
                    {
                        continue;
                    }

                    next[key] = entry.Line + 1;
                    await SendAsync(response, "log", Line(entry), cancellationToken);
                    break;
                case JobNotice.Changed changed when changed.Job.Version > version:
                    version = changed.Job.Version;
                    ended = Ended(changed.Job.Status);
                    var status = new { id = changed.Job.Id, version, status = changed.Job.Status, update = changed.Update };
                    await SendAsync(response, "status", JsonSerializer.Serialize(status, WharfJson.Options), cancellationToken);
                    break;
            }

            if (items.Reader.Count == 0)
            {
                await response.Body.FlushAsync(cancellationToken);
            }
        }
    }

    private async Task<object?> ReadAsync(ChannelReader<object> reader, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (reader.TryRead(out var item))
        {
            return item;
        }

        using var timeout = new CancellationTokenSource(wait, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return await reader.ReadAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>True once the job has ended and nothing of it runs any more: no more lines or changes will come.</summary>
    private static bool Ended(JobStatus status) =>
        status.State.IsFinal() && (status.Ranks is null || status.Ranks.All(r => r.State == RankState.Exited));

    private static string Line(LogEntry entry) => JsonSerializer.Serialize(
        new { rank = entry.Rank, stream = entry.Stream, line = entry.Line, text = entry.Text, timestamp = entry.Timestamp }, WharfJson.Options);

    private static async Task SendAsync(HttpResponse response, string name, string data, CancellationToken cancellationToken)
    {
        var text = new StringBuilder().Append("event: ").Append(name).Append('\n').Append("data: ").Append(data).Append("\n\n");
        await response.WriteAsync(text.ToString(), cancellationToken);
    }
}
