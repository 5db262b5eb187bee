using System.CommandLine;
using Wharf.Cli.Output;
using Wharf.Client;

namespace Wharf.Cli.Commands;

/// <summary>
/// <c>wharf logs ID</c>: what a job's ranks wrote, from the first line; stdout lines go to standard output and stderr
/// lines to standard error. With several ranks each line starts with <c>[rank]</c>. <c>-f</c> keeps following the
/// job's lines until it ends.
/// </summary>
internal static partial class LogsCommand
{
    private static readonly string[] Streams = ["stdout", "stderr"];

    public static Command Create(CliEnvironment env)
    {
        var id = new Argument<string>("ID") { Description = "The job's id" };
        var rank = new Option<int?>("--rank") { Description = "Only this rank's lines (default: every rank)", HelpName = "N" };
        var stream = new Option<string?>("--stream")
        {
            Description = "Only this stream: stdout, stderr, or a lifecycle hook's output (pre-start, drain, …) (default: stdout and stderr)",
            HelpName = "STREAM",
        };
        stream.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } name && !StreamName().IsMatch(name))
            {
                result.AddError("--stream: a stream name is 1–32 of a-z 0-9 _ . -");
            }
        });
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep showing lines as they are written, until the job ends" };
        var connection = new ServerConnection();
        var command = new Command("logs", "Show a job's output, from the first line") { id, rank, stream, follow };
        connection.AddTo(command);
        CommandAction.SetWithClient(command, env, connection, async (client, parseResult, cancellationToken) =>
        {
            if (parseResult.GetValue(rank) is < 0)
            {
                throw new UsageException("--rank: ranks are numbered from 0");
            }

            var filter = new LineFilter(parseResult.GetValue(rank), parseResult.GetValue(stream));
            var jobId = parseResult.GetValue(id)!;
            if (parseResult.GetValue(follow))
            {
                await FollowAsync(client, jobId, filter, env, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await PrintStoredAsync(client, jobId, filter, env, cancellationToken).ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task PrintStoredAsync(WharfClient client, string jobId, LineFilter filter, CliEnvironment env, CancellationToken cancellationToken)
    {
        // The first page's answer lists every rank and stream that has lines; each is then read whole.
        var first = await client.ReadJobLogsAsync(jobId, filter.Rank ?? 0, filter.Stream ?? "stdout", 0, limit: 1, cancellationToken).ConfigureAwait(false);
        var selected = first.Streams.Where(s => filter.Matches(s.Rank, s.Stream)).ToList();
        var prefixed = filter.Rank is null && first.Streams.Select(s => s.Rank).Distinct().Count() > 1;
        var sources = selected.Select(s => client.ReadAllJobLogsAsync(jobId, s.Rank, s.Stream, 0, cancellationToken)).ToList();
        await foreach (var line in LogMerge.ByTimeAsync(sources, cancellationToken).ConfigureAwait(false))
        {
            await WriteAsync(env, line, prefixed).ConfigureAwait(false);
        }
    }

    private static async Task FollowAsync(WharfClient client, string jobId, LineFilter filter, CliEnvironment env, CancellationToken cancellationToken)
    {
        // Line numbers already shown, per rank and stream: a stream followed again (the server restarted) starts from
        // the first line, and those are skipped.
        var next = new Dictionary<(int, string), long>();
        var prefixed = false;
        while (true)
        {
            try
            {
                await foreach (var item in client.FollowJobAsync(jobId, cancellationToken).ConfigureAwait(false))
                {
                    switch (item)
                    {
                        case JobSnapshotEvent snapshot:
                            prefixed = filter.Rank is null && snapshot.Job.Specification.Replicas > 1;
                            break;
                        case JobLogEvent { Line: var line } when filter.Matches(line.Rank, line.Stream):
                            var key = (line.Rank, line.Stream);
                            if (line.Line >= next.GetValueOrDefault(key))
                            {
                                next[key] = line.Line + 1;
                                await WriteAsync(env, line, prefixed).ConfigureAwait(false);
                            }

                            break;
                        case JobEndEvent:
                            return;
                    }
                }
            }
            catch (JobFollowLostException)
            {
                // Follow again; the lines already shown are skipped.
            }

            // The server closed the stream before the job ended (it stops or restarts): try again shortly.
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task WriteAsync(CliEnvironment env, JobLogLine line, bool prefixed)
    {
        var writer = line.Stream == "stderr" ? env.Error : env.Out;
        var text = prefixed ? $"[{line.Rank}] {line.Text}" : line.Text;
        await writer.WriteLineAsync(text).ConfigureAwait(false);
        await writer.FlushAsync().ConfigureAwait(false);
    }

    private sealed record LineFilter(int? Rank, string? Stream)
    {
        // Without --stream, the command's own output; hooks' transcripts are asked for by name.
        public bool Matches(int rank, string stream) =>
            (Rank is null || Rank == rank) && (Stream is null ? Streams.Contains(stream) : string.Equals(Stream, stream, StringComparison.Ordinal));
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[a-z0-9][a-z0-9_.-]{0,31}$")]
    private static partial System.Text.RegularExpressions.Regex StreamName();
}
