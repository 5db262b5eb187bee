using Microsoft.Extensions.Logging;
using Wharf.Domain.Agents;

namespace Wharf.Agent;

/// <summary>
/// Sends the files rendered for a rank to the server (<c>POST /api/agent/files</c>) in the background, so that people can
/// read them; a start never waits for it. Retried like every call; given up when the agent stops.
/// </summary>
internal sealed class RenderedFileUploads(AgentSession session, AgentOptions options, ILogger log, CancellationToken stopping)
{
    public void Send(string jobId, int rank, IReadOnlyList<RenderedFileContent> files) =>
        _ = SendAsync(jobId, rank, files);

    private async Task SendAsync(string jobId, int rank, IReadOnlyList<RenderedFileContent> files)
    {
        try
        {
            await session.CallAsync(
                "uploading rendered files",
                async (client, agentId, token) =>
                {
                    await client.UploadRenderedFilesAsync(new RenderedFiles(agentId, jobId, rank, files), token).ConfigureAwait(false);
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
            log.LogWarning("The files rendered for job {JobId} rank {Rank} could not be sent: {Problem}", jobId, rank, e.Message);
        }
    }
}
