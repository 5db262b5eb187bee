using Wharf.Domain.Agents;
using Wharf.Domain.Jobs;

namespace Wharf.Client;

/// <summary>A node as <c>GET /api/nodes</c> shows it: its state, what it offers and what is allocated on it.</summary>
/// <param name="Id">The node's id.</param>
/// <param name="Name">Its name (the host name, usually).</param>
/// <param name="AgentId">The agent that drives it; null for a node an operator declared.</param>
/// <param name="State"><c>ready</c>, <c>draining</c> or <c>lost</c>.</param>
/// <param name="Declared">True for capacity an operator declared without an agent (admission only; it runs nothing).</param>
/// <param name="Capacity">What it offers in all.</param>
/// <param name="Allocated">What placed jobs hold of it.</param>
/// <param name="Labels">Its labels.</param>
/// <param name="Drivers">The driver kinds it runs.</param>
/// <param name="Products">The products it offers; null or empty for every product that fits.</param>
public sealed record NodeSummary(
    string Id,
    string Name,
    string? AgentId,
    string State,
    bool Declared,
    NodeResources Capacity,
    NodeResources Allocated,
    IReadOnlyDictionary<string, string>? Labels,
    IReadOnlyList<string>? Drivers,
    IReadOnlyList<ProductReference>? Products);
