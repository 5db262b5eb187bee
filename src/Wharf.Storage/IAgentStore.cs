namespace Wharf.Storage;

/// <summary>Agents, their leases and their nodes; and nodes that operators declare without an agent.</summary>
public interface IAgentStore
{
    /// <summary>
    /// Saves an agent's registration in one transaction: the agent (inserted or replaced) and the nodes it lists
    /// (inserted or replaced by id). Nodes the agent had before and no longer lists become <see cref="NodeState.Lost"/>.
    /// </summary>
    Task RegisterAsync(AgentRecord agent, IReadOnlyList<NodeRecord> nodes, CancellationToken cancellationToken);

    /// <summary>The agent with this id, or null.</summary>
    Task<AgentRecord?> GetAgentAsync(string id, CancellationToken cancellationToken);

    /// <summary>Every agent, by id.</summary>
    Task<IReadOnlyList<AgentRecord>> ListAgentsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Renews an active agent's lease: records the heartbeat and the new expiry. False when the agent is unknown or
    /// lost (it must register again).
    /// </summary>
    Task<bool> RenewLeaseAsync(string agentId, DateTimeOffset heartbeatAt, DateTimeOffset leaseExpiresAt, CancellationToken cancellationToken);

    /// <summary>
    /// Marks an active agent lost, and its nodes with it, if its lease still ends at or before <paramref name="leaseEndedBy"/>
    /// (a heartbeat that came in meanwhile, to any server, wins). True when the agent was marked.
    /// </summary>
    Task<bool> MarkLostAsync(string agentId, DateTimeOffset leaseEndedBy, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Every node, registered or declared, by id.</summary>
    Task<IReadOnlyList<NodeRecord>> ListNodesAsync(CancellationToken cancellationToken);

    /// <summary>Adds or replaces a declared node (one without an agent); declared nodes are unique by name.</summary>
    Task SaveDeclaredNodeAsync(NodeRecord node, CancellationToken cancellationToken);
}
