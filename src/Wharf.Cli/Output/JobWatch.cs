using System.Globalization;
using Wharf.Client;
using Wharf.Domain.Jobs;

namespace Wharf.Cli.Output;

/// <summary>
/// Waits for a job to reach a final state through its follow stream, writing a progress line whenever its state or
/// reason changes (<c>wharf run --wait</c>). A stream the server closes early (it restarts) is followed again.
/// </summary>
internal sealed class JobWatch(WharfClient client, TextWriter progress, TimeProvider time)
{
    private static readonly TimeSpan Reconnect = TimeSpan.FromSeconds(1);
    private readonly long _started = time.GetTimestamp();
    private JobState? _state;
    private string? _reason;

    /// <summary>Follows job <paramref name="id"/> until it is SUCCESS, FAILURE or EXPIRED, and returns that status.</summary>
    public async Task<JobStatus> UntilFinalAsync(string id, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await foreach (var item in client.FollowJobAsync(id, cancellationToken).ConfigureAwait(false))
                {
                    var status = item switch
                    {
                        JobSnapshotEvent snapshot => snapshot.Job.Status,
                        JobStatusEvent change => change.Status,
                        _ => null,
                    };
                    if (status is not null && await ReportAsync(status).ConfigureAwait(false))
                    {
                        return status;
                    }
                }
            }
            catch (JobFollowLostException)
            {
                // The server gave up on this follower; following again starts from the job as it is now.
            }

            // The stream ended without a final state (the server stopped it); the job may have ended meanwhile.
            var job = await client.RetrieveJobAsync(id, cancellationToken).ConfigureAwait(false);
            if (await ReportAsync(job.Status).ConfigureAwait(false))
            {
                return job.Status;
            }

            await Task.Delay(Reconnect, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes a line when the state or reason changed; true once the state is final.</summary>
    private async Task<bool> ReportAsync(JobStatus status)
    {
        if (status.State != _state || !string.Equals(status.Reason, _reason, StringComparison.Ordinal))
        {
            _state = status.State;
            _reason = status.Reason;
            var elapsed = time.GetElapsedTime(_started).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
            var exit = status.State.IsFinal() && status.ExitCode is { } code ? $" (exit {code.ToString(CultureInfo.InvariantCulture)})" : "";
            var reason = string.IsNullOrWhiteSpace(status.Reason) ? "" : "  " + status.Reason.ReplaceLineEndings(" ");
            await progress.WriteLineAsync($"[{elapsed,6}s] {status.State.ToWire()}{exit}{reason}").ConfigureAwait(false);
            await progress.FlushAsync().ConfigureAwait(false);
        }

        return status.State.IsFinal();
    }
}
