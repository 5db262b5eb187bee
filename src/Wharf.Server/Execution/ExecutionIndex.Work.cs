using System.Globalization;
using Wharf.Domain.Agents;
using Wharf.Domain.Jobs;
using Wharf.Storage;

namespace Wharf.Server.Execution;

/// <summary>
/// What each agent must do, derived from the jobs on its nodes rather than queued as messages: a rank placed and not
/// yet acknowledged is to start; a rank still live in a job that is stopping, ended or suspended is to stop. So work
/// survives a lost response (it is sent again after <see cref="ExecutionOptions.ResendInterval"/>) and a server restart.
/// </summary>
internal sealed partial class ExecutionIndex
{
    /// <summary>How many times a stop for a rank that no job wants any more is sent before it is forgotten.</summary>
    private const int OrphanStopAttempts = 3;

    /// <summary>
    /// The work due for <paramref name="agentId"/> now, marked as sent; or null when the index has no active agent by
    /// that id. <see cref="AgentDue.Wake"/> completes when the work may have changed.
    /// </summary>
    public AgentDue? TakeWork(string agentId, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (!_agents.TryGetValue(agentId, out var agent) || agent.Record.State != AgentState.Active)
            {
                return null;
            }

            var wake = agent.Wake.Next;
            var starts = new List<(Job Job, RankStatus Rank)>();
            var stops = new List<TaskStop>();
            var unstarted = new List<(Job Job, int Rank)>();
            DateTimeOffset? nextDue = null;
            var grace = (long)_options.StopGrace.TotalMilliseconds;
            foreach (var jobId in agent.Jobs)
            {
                if (!_placed.TryGetValue(jobId, out var placed))
                {
                    continue;
                }

                var job = placed.Job;
                var state = job.Status.State;
                foreach (var rank in job.Status.Ranks ?? [])
                {
                    if (!agent.NodeIds.Contains(rank.NodeId) || rank.State == RankState.Exited)
                    {
                        continue;
                    }

                    var start = state == JobState.InQueue && rank.State == RankState.Assigned;
                    var stop = state is not (JobState.InQueue or JobState.Running);
                    if (!start && !stop)
                    {
                        continue;
                    }

                    var key = new TaskKey(jobId, rank.Rank, Stop: stop);
                    if (agent.Sent.TryGetValue(key, out var sentAt) && now - sentAt < _options.ResendInterval)
                    {
                        var due = sentAt + _options.ResendInterval;
                        nextDue = nextDue is null || due < nextDue ? due : nextDue;
                        continue;
                    }

                    agent.Sent[key] = now;
                    if (start)
                    {
                        agent.Orphans.Remove(key with { Stop = true });
                        starts.Add((job, rank));
                    }
                    else
                    {
                        stops.Add(new TaskStop(job.Id, rank.Rank, job.Status.Reason ?? state.ToWire(), grace));
                        if (rank.State == RankState.Assigned)
                        {
                            unstarted.Add((job, rank.Rank));
                        }
                    }
                }
            }

            foreach (var (key, attempts) in agent.Orphans.ToList())
            {
                if (agent.Sent.TryGetValue(key, out var sentAt) && now - sentAt < _options.ResendInterval)
                {
                    var due = sentAt + _options.ResendInterval;
                    nextDue = nextDue is null || due < nextDue ? due : nextDue;
                    continue;
                }

                agent.Sent[key] = now;
                stops.Add(new TaskStop(key.JobId.ToString(CultureInfo.InvariantCulture), key.Rank, "no longer placed on this node", grace));
                if (attempts + 1 >= OrphanStopAttempts)
                {
                    agent.Orphans.Remove(key);
                }
                else
                {
                    agent.Orphans[key] = attempts + 1;
                }
            }

            ForgetAcknowledged(agent);
            return new AgentDue(starts, stops, unstarted, nextDue, wake);
        }
    }

    /// <summary>
    /// True when <paramref name="agentId"/> may report on rank <paramref name="rank"/> of <paramref name="job"/>: the
    /// rank is placed on one of that agent's nodes.
    /// </summary>
    public bool Holds(string agentId, Job job, int rank)
    {
        var ranks = job.Status.Ranks;
        if (ranks is null || rank < 0 || rank >= ranks.Count)
        {
            return false;
        }

        lock (_gate)
        {
            return _nodes.TryGetValue(ranks[rank].NodeId, out var node) && node.Record.AgentId == agentId;
        }
    }

    /// <summary>Asks <paramref name="agentId"/> to stop a rank it runs that no job wants there (a report about a job not placed on it).</summary>
    public void StopOrphan(string agentId, string jobId, int rank)
    {
        if (!long.TryParse(jobId, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return;
        }

        lock (_gate)
        {
            if (_agents.TryGetValue(agentId, out var agent) && agent.Orphans.TryAdd(new TaskKey(id, rank, Stop: true), 0))
            {
                agent.Wake.Fire();
            }
        }
    }

    /// <summary>The agent has reported that a rank is gone: no stop for it is pending any more.</summary>
    public void Forget(string agentId, string jobId, int rank)
    {
        if (!long.TryParse(jobId, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return;
        }

        lock (_gate)
        {
            if (_agents.TryGetValue(agentId, out var agent))
            {
                agent.Orphans.Remove(new TaskKey(id, rank, Stop: true));
            }
        }
    }

    /// <summary>Drops the send times of ranks that are no longer due, so the table stays as small as the agent's work.</summary>
    private void ForgetAcknowledged(AgentEntry agent)
    {
        if (agent.Sent.Count < 64)
        {
            return;
        }

        foreach (var key in agent.Sent.Keys.ToList())
        {
            if (key.Stop && agent.Orphans.ContainsKey(key))
            {
                continue;
            }

            var due = _placed.TryGetValue(key.JobId, out var placed) && placed.Ranks.Any(r =>
                r.Rank == key.Rank && r.State != RankState.Exited
                && (key.Stop ? placed.Job.Status.State is not (JobState.InQueue or JobState.Running)
                    : placed.Job.Status.State == JobState.InQueue && r.State == RankState.Assigned));
            if (!due)
            {
                agent.Sent.Remove(key);
            }
        }
    }
}

/// <summary>An agent's due work: ranks to start (to be built into assignments), stops, and when to look again.</summary>
/// <param name="Starts">Ranks to start, with their jobs as last saved.</param>
/// <param name="Stops">Ranks to stop.</param>
/// <param name="Unstarted">Stopped ranks the agent never acknowledged starting: once it has the stop, they count as gone.</param>
/// <param name="NextDue">When work already sent becomes due again, if it is not acknowledged before.</param>
/// <param name="Wake">Completes when the agent's work may have changed.</param>
internal sealed record AgentDue(
    IReadOnlyList<(Job Job, RankStatus Rank)> Starts,
    IReadOnlyList<TaskStop> Stops,
    IReadOnlyList<(Job Job, int Rank)> Unstarted,
    DateTimeOffset? NextDue,
    Task Wake)
{
    public bool IsEmpty => Starts.Count == 0 && Stops.Count == 0;
}
