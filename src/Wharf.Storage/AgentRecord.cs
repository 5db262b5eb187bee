namespace Wharf.Storage;

/// <summary>An agent as the store keeps it: who it is, whose token registered it, and its lease.</summary>
/// <param name="Id">The agent's id, assigned by the server at its first registration.</param>
/// <param name="Name">A name for people (the agent's host, usually).</param>
/// <param name="Principal">The user name of the agent token that registered it; only that principal may act as this agent.</param>
/// <param name="State">Whether the agent holds a lease.</param>
/// <param name="RegisteredAt">When it last registered.</param>
/// <param name="LastHeartbeatAt">When it last proved it was alive.</param>
/// <param name="LeaseExpiresAt">When its placements are taken back unless it heartbeats before.</param>
public sealed record AgentRecord(
    string Id,
    string Name,
    string Principal,
    AgentState State,
    DateTimeOffset RegisteredAt,
    DateTimeOffset LastHeartbeatAt,
    DateTimeOffset LeaseExpiresAt);

/// <summary>The states of an agent.</summary>
public enum AgentState
{
    /// <summary>Registered and heartbeating: its nodes take work.</summary>
    Active,

    /// <summary>Its lease lapsed: its nodes are lost and its jobs were ended or requeued. It must register again.</summary>
    Lost,
}
