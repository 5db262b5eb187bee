using Wharf.Domain.Jobs;

namespace Wharf.Domain.Agents;

/// <summary>A node as an agent (or an operator, for admission-only capacity) declares it.</summary>
/// <param name="Name">The node's name, unique per agent (the host name, usually).</param>
/// <param name="Capacity">What the node offers in all.</param>
/// <param name="Labels">Free-form labels for constraints (<c>arch</c>, <c>cluster</c>, <c>pool</c>, …).</param>
/// <param name="Drivers">The driver kinds it runs (<c>process</c>, <c>docker</c>, …).</param>
/// <param name="Products">The products it offers; null or empty means every product whose demand fits.</param>
public sealed record NodeRegistration(
    string Name,
    NodeResources Capacity,
    IReadOnlyDictionary<string, string>? Labels = null,
    IReadOnlyList<string>? Drivers = null,
    IReadOnlyList<ProductReference>? Products = null);
