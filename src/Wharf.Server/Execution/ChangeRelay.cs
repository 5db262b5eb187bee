using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Wharf.Domain.Jobs;
using Wharf.Storage;

namespace Wharf.Server.Execution;

/// <summary>
/// Keeps the in-memory view of servers that share one PostgreSQL current with each other's changes. What this server
/// saves (job ids, agents that registered or were lost, declared nodes) is announced as store notices, batched while
/// sends are under way; what other servers announce is read back from the store and published on this server's job
/// feed (marked <see cref="JobNotice.Relayed"/>, so it is not announced again). Whenever listening (re)starts, the
/// view is caught up from the store, since notices sent meanwhile are lost. On SQLite it does nothing.
/// </summary>
internal sealed class ChangeRelay(IWharfStore store, JobFeed feed, ExecutionIndex index, TimeProvider time, ILogger<ChangeRelay> logger)
{
    private const int ReadBatch = 500;
    private static readonly TimeSpan Reconnect = TimeSpan.FromSeconds(1);

    private readonly string _server = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
    private readonly Channel<string> _outgoing = Channel.CreateUnbounded<string>();

    public bool Enabled => store.Notices.IsShared;

    /// <summary>Announces this server's job changes (a job feed observer).</summary>
    public void Observe(JobNotice notice)
    {
        if (!Enabled || notice.Relayed)
        {
            return;
        }

        switch (notice)
        {
            case JobNotice.Changed changed:
                _outgoing.Writer.TryWrite("j" + changed.Job.Id);
                break;
            case JobNotice.Renumbered renumbered:
                foreach (var position in renumbered.Positions)
                {
                    _outgoing.Writer.TryWrite("j" + position.JobId);
                }

                break;
        }
    }

    /// <summary>Announces that an agent registered or was lost.</summary>
    public void AgentChanged(string agentId)
    {
        if (Enabled)
        {
            _outgoing.Writer.TryWrite("a" + agentId);
        }
    }

    /// <summary>Announces that declared nodes changed.</summary>
    public void NodesChanged()
    {
        if (Enabled)
        {
            _outgoing.Writer.TryWrite("n");
        }
    }

    public Task RunAsync(CancellationToken cancellationToken) =>
        Enabled ? Task.WhenAll(SendAsync(cancellationToken), ReceiveAsync(cancellationToken)) : Task.CompletedTask;

    private async Task SendAsync(CancellationToken cancellationToken)
    {
        while (await _outgoing.Reader.WaitToReadAsync(cancellationToken))
        {
            var entries = new HashSet<string>(StringComparer.Ordinal);
            while (entries.Count < 5000 && _outgoing.Reader.TryRead(out var entry))
            {
                entries.Add(entry);
            }

            var message = new StringBuilder(_server);
            foreach (var entry in entries)
            {
                if (message.Length + 1 + entry.Length > IStoreNotices.MaxMessageLength)
                {
                    await PublishAsync(message.ToString(), cancellationToken);
                    message.Clear().Append(_server);
                }

                message.Append(' ').Append(entry);
            }

            await PublishAsync(message.ToString(), cancellationToken);
        }
    }

    private async Task PublishAsync(string message, CancellationToken cancellationToken)
    {
        try
        {
            await store.Notices.PublishAsync(message, cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // The others catch up when their listening restarts; nothing more can be done for this notice.
            logger.LogWarning(e, "A change notice could not be sent to the other servers");
        }
    }

    private async Task ReceiveAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var message in store.Notices.ListenAsync(cancellationToken))
                {
                    if (message.Length == 0)
                    {
                        await CatchUpAsync(cancellationToken);
                    }
                    else
                    {
                        await ApplyAsync(message, cancellationToken);
                    }
                }
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Listening for other servers' changes failed; listening again");
                await Task.Delay(Reconnect, time, cancellationToken);
            }
        }
    }

    private async Task ApplyAsync(string message, CancellationToken cancellationToken)
    {
        var parts = message.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || parts[0] == _server)
        {
            return;
        }

        var jobs = new List<string>();
        foreach (var entry in parts.Skip(1))
        {
            switch (entry[0])
            {
                case 'j':
                    jobs.Add(entry[1..]);
                    break;
                case 'a':
                    await ReloadAgentAsync(entry[1..], cancellationToken);
                    break;
                case 'n':
                    await ReloadNodesAsync(cancellationToken);
                    break;
            }
        }

        await ReloadJobsAsync(jobs, cancellationToken);
    }

    private async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        foreach (var agent in await store.Agents.ListAgentsAsync(cancellationToken))
        {
            index.PutAgent(agent);
        }

        await ReloadNodesAsync(cancellationToken);
        var seen = new HashSet<long>();
        await foreach (var job in store.Jobs.StreamLiveJobsAsync(cancellationToken))
        {
            feed.Publish(new JobNotice.Changed(job, Job.Accepted(job.CreatedAt), null) { Relayed = true });
            seen.Add(long.Parse(job.Id, CultureInfo.InvariantCulture));
        }

        // Jobs the view holds that are no longer live ended meanwhile: read them to take them out.
        await ReloadJobsAsync([.. index.JobIds().Where(id => !seen.Contains(id)).Select(id => id.ToString(CultureInfo.InvariantCulture))], cancellationToken);
    }

    private async Task ReloadJobsAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        foreach (var batch in ids.Distinct(StringComparer.Ordinal).Chunk(ReadBatch))
        {
            foreach (var job in await store.Jobs.GetJobsAsync(batch, cancellationToken))
            {
                feed.Publish(new JobNotice.Changed(job, job.Updates.Count > 0 ? job.Updates[^1] : Job.Accepted(job.CreatedAt), null) { Relayed = true });
            }
        }
    }

    private async Task ReloadAgentAsync(string agentId, CancellationToken cancellationToken)
    {
        if (await store.Agents.GetAgentAsync(agentId, cancellationToken) is not { } agent)
        {
            return;
        }

        if (agent.State == AgentState.Lost)
        {
            index.MarkLost(agentId, time.GetUtcNow());
            return;
        }

        var nodes = (await store.Agents.ListNodesAsync(cancellationToken)).Where(n => n.AgentId == agentId && n.State != NodeState.Lost).ToList();
        index.Register(agent, nodes);
    }

    private async Task ReloadNodesAsync(CancellationToken cancellationToken)
    {
        foreach (var node in await store.Agents.ListNodesAsync(cancellationToken))
        {
            index.PutNode(node);
        }
    }
}
