using Microsoft.Extensions.Logging;
using Wharf.Domain.Agents;

namespace Wharf.Agent;

/// <summary>
/// Sends each finished hook run's transcript to the server as the rank's log stream named after the hook
/// (<c>pre-start</c>, <c>drain</c> …), so <c>GET /api/jobs/logs?stream=drain</c> and <c>wharf logs --stream drain</c>
/// read it like stdout; each run of a health check's command goes the same way as the stream <c>health</c>. The node's
/// <c>&lt;hook&gt;.log</c> stays the full record: an upload that fails is logged, not retried.
/// </summary>
internal sealed class HookLogUploads(AgentSession session, AgentOptions options, ILogger log, CancellationToken stopping)
{
    public void Send(string jobId, int rank, string hook, IReadOnlyList<string> transcript)
    {
        if (transcript.Count > 0)
        {
            _ = SendAsync(jobId, rank, hook, transcript);
        }
    }

    private async Task SendAsync(string jobId, int rank, string hook, IReadOnlyList<string> transcript)
    {
        try
        {
            var now = options.TimeProvider.GetUtcNow();
            await session.CallAsync(
                "uploading a hook's output",
                async (client, agentId, token) =>
                {
                    await client.UploadTaskLogsAsync(new AgentLogs(agentId, [.. transcript.Select(line => new LogLine(jobId, rank, hook, line, now))]), token)
                        .ConfigureAwait(false);
                    return true;
                },
                options.RequestTimeout,
                stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is Client.WharfApiException or HttpRequestException)
        {
            log.LogWarning("The output of {Hook} for job {JobId} rank {Rank} could not be sent: {Problem}", hook, jobId, rank, e.Message);
        }
    }
}
