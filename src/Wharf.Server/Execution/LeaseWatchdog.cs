using Wharf.Domain.Serialization;
using Wharf.Storage;

namespace Wharf.Server.Execution;

/// <summary>
/// Ends the leases of agents that stopped heartbeating (run only by the server that leads): the agent and its nodes
/// become lost, and each job with a rank there ends FAILURE "node lost" — or waits again when it restarts on exit.
/// It sleeps until the earliest lease end (a timer, not a poll). When it starts (at server start, or on taking over
/// the scheduler) every agent gets a fresh lease, so a server restart costs no agent its jobs; at server start the
/// lease counts from when the server listens, not from when this service started, so that the rest of a slow
/// start-up does not use up the agents' time to heartbeat again.
/// </summary>
internal sealed class LeaseWatchdog(
    ExecutionIndex index,
    AgentLeases leases,
    IWharfStore store,
    ChangeRelay relay,
    ExecutionOptions options,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<LeaseWatchdog> logger)
{
    private const int Attempts = 6;
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(1);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!lifetime.ApplicationStarted.IsCancellationRequested)
        {
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
            await started.Task.WaitAsync(cancellationToken);
        }

        var grace = time.GetUtcNow() + options.LeaseTimeout;
        foreach (var agent in await store.Agents.ListAgentsAsync(cancellationToken))
        {
            if (agent.State == AgentState.Active)
            {
                index.PutAgent(agent, graceUntil: grace);
            }
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            foreach (var (agentId, expiresAt) in index.LapsedLeases(now))
            {
                try
                {
                    await EndLeaseAsync(agentId, expiresAt, cancellationToken);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    logger.LogError(e, "Ending the lease of agent {Agent} failed; trying again", agentId);
                    await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken);
                }
            }

            var next = index.NextLeaseEnd();
            var wait = next is { } end ? end - time.GetUtcNow() : Idle;
            if (wait > TimeSpan.Zero)
            {
                await leases.Registered.WaitAsync(wait < Idle ? wait + TimeSpan.FromMilliseconds(5) : Idle, time, cancellationToken);
            }
        }
    }

    private async Task EndLeaseAsync(string agentId, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var now = WharfJson.ToMilliseconds(time.GetUtcNow());
        if (!await store.Agents.MarkLostAsync(agentId, now, now, cancellationToken))
        {
            // Its lease was renewed through another server (or it is gone already): take the store's word.
            var stored = await store.Agents.GetAgentAsync(agentId, cancellationToken);
            if (stored is { State: AgentState.Active })
            {
                index.PutAgent(stored);
                if (stored.LeaseExpiresAt > now)
                {
                    return;
                }
            }
        }

        var (nodes, jobIds) = index.MarkLost(agentId, now);
        relay.AgentChanged(agentId);
        logger.LogWarning("Agent {Agent} sent no heartbeat since its lease ended at {Expiry}: its {Nodes} nodes are lost, {Jobs} jobs end or wait again",
            agentId, expiresAt, nodes.Count, jobIds.Count);
        foreach (var jobId in jobIds)
        {
            for (var attempt = 0; attempt < Attempts; attempt++)
            {
                var job = await store.Jobs.GetJobAsync(jobId, cancellationToken);
                if (job is null)
                {
                    break;
                }

                var changes = RankReports.NodeLost(job, nodes, now);
                if (changes.Count == 0 || await store.Jobs.TrySaveAllAsync(changes, cancellationToken))
                {
                    break;
                }
            }
        }

        index.SchedulerWake.Set();
    }
}
