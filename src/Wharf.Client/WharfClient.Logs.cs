using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Wharf.Client;

// A job's logs: pages of one rank's stream, and the live follow stream (server-sent events).
public partial class WharfClient
{
    /// <summary>
    /// Reads up to <paramref name="limit"/> lines (the server's default when null) of one rank's stream from line
    /// <paramref name="offset"/> on (<c>GET /api/jobs/logs</c>); the page says where to read next and which streams the
    /// job has.
    /// </summary>
    public async Task<JobLogPage> ReadJobLogsAsync(string id, int rank, string stream, long offset, int? limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentException.ThrowIfNullOrWhiteSpace(stream);
        var uri = string.Create(
            CultureInfo.InvariantCulture,
            $"api/jobs/logs?id={Uri.EscapeDataString(id)}&rank={rank}&stream={Uri.EscapeDataString(stream)}&offset={offset}");
        if (limit is { } most)
        {
            uri += string.Create(CultureInfo.InvariantCulture, $"&limit={most}");
        }

        var page = await GetAsync<LogsBody>(uri, cancellationToken).ConfigureAwait(false);
        return new JobLogPage(
            page.JobId, page.Rank, page.Stream, page.First, page.Next,
            [.. (page.Lines ?? []).Select(l => new JobLogLine(page.Rank, page.Stream, l.Line, l.Text, l.Timestamp))],
            page.Streams ?? []);
    }

    /// <summary>Every stored line of one rank's stream from line <paramref name="offset"/> on, reading page after page as the caller enumerates.</summary>
    public async IAsyncEnumerable<JobLogLine> ReadAllJobLogsAsync(
        string id, int rank, string stream, long offset, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var next = offset;
        while (true)
        {
            var page = await ReadJobLogsAsync(id, rank, stream, next, limit: null, cancellationToken).ConfigureAwait(false);
            foreach (var line in page.Lines)
            {
                yield return line;
            }

            // A page that did not advance means the stream has no more lines (yet).
            if (page.Lines.Count == 0 || page.Next <= next)
            {
                yield break;
            }

            next = page.Next;
        }
    }

    /// <summary>
    /// Follows a job (<c>GET /api/jobs/follow</c>, server-sent events): the job, its lines from the first, then each
    /// change and line as it happens, ending with <see cref="JobEndEvent"/> once the job has ended and its last lines
    /// are in. The enumeration also ends, without that event, when the server closes the stream (it stops); throws
    /// <see cref="JobFollowLostException"/> when the server gave up on a follower that read too slowly.
    /// </summary>
    public async IAsyncEnumerable<JobFollowEvent> FollowJobAsync(string id, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        using var request = new HttpRequestMessage(HttpMethod.Get, Resolve("api/jobs/follow?id=" + Uri.EscapeDataString(id)));
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await SendRequestAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            await foreach (var item in SseParser.Create(body).EnumerateAsync(cancellationToken).ConfigureAwait(false))
            {
                var followEvent = ToFollowEvent(item);
                if (followEvent is null)
                {
                    continue;
                }

                yield return followEvent;
                if (followEvent is JobEndEvent)
                {
                    yield break;
                }
            }
        }
    }

    // Unknown event names are skipped, so that a newer server may send more kinds of events.
    private static JobFollowEvent? ToFollowEvent(SseItem<string> item) => item.EventType switch
    {
        "job" => new JobSnapshotEvent(Read<Domain.Jobs.Job>(item)),
        "status" => ToStatusEvent(Read<StatusBody>(item)),
        "log" => new JobLogEvent(Read<JobLogLine>(item)),
        "end" => new JobEndEvent(),
        "error" => throw new JobFollowLostException(
            JsonSerializer.Deserialize<ErrorBody>(item.Data, JsonOptions)?.Message ?? "the server stopped following the job"),
        _ => null,
    };

    private static JobStatusEvent ToStatusEvent(StatusBody body) => new(body.Id, body.Version, body.Status, body.Update);

    private static T Read<T>(SseItem<string> item) =>
        JsonSerializer.Deserialize<T>(item.Data, JsonOptions)
        ?? throw new InvalidDataException($"the server sent an empty '{item.EventType}' event");

    private sealed record LogsBody(
        string JobId, int Rank, string Stream, long First, long Next, IReadOnlyList<LogLineBody>? Lines, IReadOnlyList<JobLogStream>? Streams);

    private sealed record LogLineBody(long Line, string Text, DateTimeOffset Timestamp);

    private sealed record StatusBody(string Id, long Version, Domain.Jobs.JobStatus Status, Domain.Jobs.JobUpdate? Update);

    private sealed record ErrorBody(string? Message);
}
