using Wharf.Domain.Agents;

namespace Wharf.Storage;

/// <summary>A node as the store keeps it: registered by an agent, or declared by an operator for admission only.</summary>
/// <param name="Id">The node's id, assigned by the server and stable across its agent's registrations.</param>
/// <param name="AgentId">The agent that drives it; null for a node an operator declared.</param>
/// <param name="Registration">Its name, capacity, labels, drivers and products, as declared.</param>
/// <param name="State">Whether it takes work.</param>
/// <param name="Declared">True for a node an operator declared without an agent: it never runs tasks and only counts for admission.</param>
/// <param name="UpdatedAt">When it was last registered or changed state.</param>
public sealed record NodeRecord(string Id, string? AgentId, NodeRegistration Registration, NodeState State, bool Declared, DateTimeOffset UpdatedAt)
{
    /// <summary>The node's name (from its registration).</summary>
    public string Name => Registration.Name;
}

/// <summary>The states of a node.</summary>
public enum NodeState
{
    /// <summary>Takes new work.</summary>
    Ready,

    /// <summary>Keeps its running work but takes nothing new.</summary>
    Draining,

    /// <summary>Its agent's lease lapsed, or its agent no longer lists it: nothing runs there as far as Wharf knows.</summary>
    Lost,
}
