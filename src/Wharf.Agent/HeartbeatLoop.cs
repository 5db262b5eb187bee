using Wharf.Domain.Agents;

namespace Wharf.Agent;

/// <summary>
/// Tells the server the agent is alive, which renews the lease on all its placements. When the server cannot be
/// reached the agent keeps its tasks running and keeps trying: the server's lease timeout decides when they are lost.
/// </summary>
internal sealed class HeartbeatLoop(AgentContext context, AgentSession session)
{
    /// <summary>Heartbeats until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var interval = session.HeartbeatInterval;
            await Task.Delay(interval, context.Time, cancellationToken).ConfigureAwait(false);
            await session.CallAsync(
                "heartbeat",
                async (client, agentId, token) =>
                {
                    await client.SendAgentHeartbeatAsync(new AgentHeartbeat(agentId), token).ConfigureAwait(false);
                    return true;
                },
                // A heartbeat that takes longer than the interval is already late: give up on it and send a new one.
                interval < context.Options.RequestTimeout ? Max(interval, TimeSpan.FromSeconds(1)) : context.Options.RequestTimeout,
                cancellationToken).ConfigureAwait(false);
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
