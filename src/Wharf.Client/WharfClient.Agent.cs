using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Wharf.Domain.Agents;

namespace Wharf.Client;

// The agent protocol (/api/agent/…), spoken with an agent token. A server that no longer knows the agent answers 404
// with the problem code "unknown_agent" (WharfApiException.Code); the agent then registers again.
public partial class WharfClient
{
    /// <summary>The problem code with which the server answers an agent it no longer knows; the agent registers again.</summary>
    public const string UnknownAgentCode = "unknown_agent";

    /// <summary>
    /// Registers an agent and its nodes (<c>POST /api/agent/register</c>), listing the tasks it still runs; the answer
    /// holds the agent's id, its nodes' ids, the heartbeat interval and the tasks the server no longer wants.
    /// </summary>
    public Task<RegisterAgentResponse> RegisterAgentAsync(RegisterAgentRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return PostAsync<RegisterAgentRequest, RegisterAgentResponse>("api/agent/register", request, cancellationToken);
    }

    /// <summary>Tells the server the agent is alive, renewing the lease on its placements (<c>POST /api/agent/heartbeat</c>).</summary>
    public Task SendAgentHeartbeatAsync(AgentHeartbeat heartbeat, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(heartbeat);
        return PostAsync<AgentHeartbeat, Nothing>("api/agent/heartbeat", heartbeat, cancellationToken);
    }

    /// <summary>
    /// Waits for work (<c>GET /api/agent/work</c>, a long poll): the server answers as soon as it has ranks for the
    /// agent to start or stop, or with empty work once <paramref name="wait"/> has passed. The caller's
    /// <see cref="HttpClient.Timeout"/> must be longer than <paramref name="wait"/>.
    /// </summary>
    public async Task<AgentWork> PollAgentWorkAsync(string agentId, TimeSpan wait, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(agentId);
        var waitMs = (long)Math.Clamp(wait.TotalMilliseconds, 0, int.MaxValue);
        var uri = string.Create(
            CultureInfo.InvariantCulture, $"api/agent/work?agentId={Uri.EscapeDataString(agentId)}&waitMs={waitMs}");
        using var request = new HttpRequestMessage(HttpMethod.Get, Resolve(uri));
        using var response = await SendRequestAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken)
            .ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NoContent || response.Content.Headers.ContentLength == 0)
        {
            return new AgentWork([], []);
        }

        var work = await response.Content.ReadFromJsonAsync<AgentWork>(JsonOptions, cancellationToken).ConfigureAwait(false);
        // Empty lists may be left out of the document: read them as empty.
        return new AgentWork(work?.Start ?? [], work?.Stop ?? []);
    }

    /// <summary>Reports what happened to tasks, in order (<c>POST /api/agent/events</c>); the server drops repeats.</summary>
    public Task ReportTaskEventsAsync(AgentEvents events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        return PostAsync<AgentEvents, Nothing>("api/agent/events", events, cancellationToken);
    }

    /// <summary>Uploads log lines, in order per rank and stream (<c>POST /api/agent/logs</c>).</summary>
    public Task UploadTaskLogsAsync(AgentLogs logs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(logs);
        return PostAsync<AgentLogs, Nothing>("api/agent/logs", logs, cancellationToken);
    }
}
