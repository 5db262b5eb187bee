using Wharf.Scheduling;
using Wharf.Storage;

namespace Wharf.Server.Execution;

/// <summary>Nodes and agents: registration, leases, loss.</summary>
internal sealed partial class ExecutionIndex
{
    /// <summary>Puts a node (registered or declared) into the index, keeping what is allocated on it.</summary>
    public void PutNode(NodeRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_gate)
        {
            PutNodeLocked(record);
            NoteChange();
        }

        SchedulerWake.Set();
    }

    /// <summary>Puts an agent into the index as the store has it, granting a fresh lease of at least <paramref name="graceUntil"/>.</summary>
    public void PutAgent(AgentRecord record, DateTimeOffset? graceUntil = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_gate)
        {
            var agent = AgentLocked(record);
            agent.LeaseExpiresAt = graceUntil is { } grace && grace > record.LeaseExpiresAt ? grace : record.LeaseExpiresAt;
            NoteChange(); // its state decides whether its nodes are schedulable
        }
    }

    /// <summary>
    /// Records a registration: the agent with a fresh lease and exactly these nodes, and forgets what was sent to it
    /// (a restarted agent needs its starts again at once).
    /// </summary>
    public void Register(AgentRecord record, IReadOnlyList<NodeRecord> nodes)
    {
        lock (_gate)
        {
            var agent = AgentLocked(record);
            agent.LeaseExpiresAt = record.LeaseExpiresAt;
            foreach (var nodeId in agent.NodeIds.ToList())
            {
                if (!nodes.Any(n => n.Id == nodeId) && _nodes.TryGetValue(nodeId, out var gone))
                {
                    gone.Record = gone.Record with { State = NodeState.Lost, UpdatedAt = record.RegisteredAt };
                }
            }

            agent.NodeIds.Clear();
            foreach (var node in nodes)
            {
                PutNodeLocked(node);
                agent.NodeIds.Add(node.Id);
            }

            agent.Sent.Clear();
            agent.Orphans.Clear();
            NoteChange();

            // Jobs on its nodes (after a server restart, or placed while it was away) are its work.
            foreach (var placed in _placed.Values)
            {
                if (placed.Ranks.Any(r => agent.NodeIds.Contains(r.NodeId)))
                {
                    agent.Jobs.Add(placed.Id);
                }
            }

            agent.Wake.Fire();
        }

        SchedulerWake.Set();
    }

    /// <summary>The agent, or null when this server does not know it.</summary>
    public AgentRecord? FindAgent(string agentId)
    {
        lock (_gate)
        {
            return _agents.TryGetValue(agentId, out var agent) ? agent.Record : null;
        }
    }

    /// <summary>Moves an agent's lease to <paramref name="expiresAt"/> (never back). False when the index has no active agent by that id.</summary>
    public bool Renew(string agentId, DateTimeOffset heartbeatAt, DateTimeOffset expiresAt)
    {
        lock (_gate)
        {
            if (!_agents.TryGetValue(agentId, out var agent) || agent.Record.State != AgentState.Active)
            {
                return false;
            }

            agent.Record = agent.Record with { LastHeartbeatAt = heartbeatAt };
            if (expiresAt > agent.LeaseExpiresAt)
            {
                agent.LeaseExpiresAt = expiresAt;
            }

            return true;
        }
    }

    /// <summary>Active agents whose lease ended at or before <paramref name="now"/>, with the expiry seen.</summary>
    public List<(string AgentId, DateTimeOffset ExpiresAt)> LapsedLeases(DateTimeOffset now)
    {
        lock (_gate)
        {
            return [.. _agents.Values
                .Where(a => a.Record.State == AgentState.Active && a.LeaseExpiresAt <= now)
                .Select(a => (a.Id, a.LeaseExpiresAt))];
        }
    }

    /// <summary>The earliest lease end among active agents, or null when there are none.</summary>
    public DateTimeOffset? NextLeaseEnd()
    {
        lock (_gate)
        {
            DateTimeOffset? next = null;
            foreach (var agent in _agents.Values)
            {
                if (agent.Record.State == AgentState.Active && (next is null || agent.LeaseExpiresAt < next))
                {
                    next = agent.LeaseExpiresAt;
                }
            }

            return next;
        }
    }

    /// <summary>
    /// Marks an agent lost, and its nodes with it, and returns the ids of the jobs with ranks on them (their ends are
    /// for the caller to save).
    /// </summary>
    public (IReadOnlySet<string> NodeIds, IReadOnlyList<string> JobIds) MarkLost(string agentId, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (!_agents.TryGetValue(agentId, out var agent))
            {
                return (new HashSet<string>(), []);
            }

            agent.Record = agent.Record with { State = AgentState.Lost };
            NoteChange();
            var nodeIds = new HashSet<string>(StringComparer.Ordinal);
            foreach (var node in _nodes.Values.Where(n => n.Record.AgentId == agentId))
            {
                node.Record = node.Record with { State = NodeState.Lost, UpdatedAt = now };
                nodeIds.Add(node.Id);
            }

            agent.Wake.Fire();
            return (nodeIds, [.. agent.Jobs.Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        }
    }

    /// <summary>The jobs (as last saved) with a rank on one of the agent's nodes.</summary>
    public List<Domain.Jobs.Job> JobsOn(string agentId)
    {
        lock (_gate)
        {
            return _agents.TryGetValue(agentId, out var agent)
                ? [.. agent.Jobs.Where(_placed.ContainsKey).Select(id => _placed[id].Job)]
                : [];
        }
    }

    /// <summary>The agent that drives <paramref name="nodeId"/>, or null.</summary>
    public string? AgentIdOf(string nodeId)
    {
        lock (_gate)
        {
            return _nodes.TryGetValue(nodeId, out var node) ? node.Record.AgentId : null;
        }
    }

    /// <summary>The driver a node runs tasks with: <c>process</c> where it has it (or names none), else the first it names.</summary>
    public string DriverFor(string nodeId)
    {
        lock (_gate)
        {
            var drivers = _nodes.TryGetValue(nodeId, out var node) ? node.Record.Registration.Drivers : null;
            return drivers is not { Count: > 0 } || drivers.Contains("process") ? "process" : drivers[0];
        }
    }

    /// <summary>Every node with what is allocated on it, by id.</summary>
    public List<(NodeRecord Record, Resources Total, Resources Allocated)> Nodes()
    {
        lock (_gate)
        {
            return [.. _nodes.Values.OrderBy(n => n.Id, StringComparer.Ordinal).Select(n => (n.Record, n.Total, n.Allocated))];
        }
    }

    /// <summary>The registered node of <paramref name="agentId"/> named <paramref name="name"/>, or null.</summary>
    public NodeRecord? FindNode(string agentId, string name)
    {
        lock (_gate)
        {
            return _nodes.Values.FirstOrDefault(n => n.Record.AgentId == agentId && n.Record.Name == name)?.Record;
        }
    }

    private AgentEntry AgentLocked(AgentRecord record)
    {
        if (_agents.TryGetValue(record.Id, out var agent))
        {
            agent.Record = record;
        }
        else
        {
            _agents[record.Id] = agent = new AgentEntry(record);
        }

        return agent;
    }

    private void PutNodeLocked(NodeRecord record)
    {
        var registration = record.Registration;
        var labels = new Dictionary<string, string>(registration.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var driver in registration.Drivers is { Count: > 0 } drivers ? drivers : ["process"])
        {
            labels[$"driver.{driver}"] = "true";
        }

        labels.TryAdd("node", registration.Name);
        IReadOnlySet<string>? products = registration.Products is { Count: > 0 } offered
            ? offered.Where(p => p is not null).Select(ProductKey.Of).ToHashSet(StringComparer.Ordinal)
            : null;
        var total = Resources.FromNodeResources(registration.Capacity);
        if (_nodes.TryGetValue(record.Id, out var node))
        {
            node.Record = record;
            node.Total = total;
            node.Labels = labels;
            node.Products = products;
        }
        else
        {
            _nodes[record.Id] = node = new NodeEntry(record, total, labels, products);

            // Jobs loaded before their node (or placed on it before a restart) count against it now.
            foreach (var placed in _placed.Values)
            {
                if (placed.HoldsCapacity)
                {
                    foreach (var rank in placed.Ranks.Where(r => r.NodeId == record.Id))
                    {
                        node.Allocated += placed.Holds(rank.Rank);
                    }
                }
            }
        }

        if (record.AgentId is { } agentId && _agents.TryGetValue(agentId, out var agent))
        {
            agent.NodeIds.Add(record.Id);
        }
    }
}
