namespace Wharf.Scheduling;

/// <summary>
/// A node as one scheduling pass sees it: what it has in all, what is already allocated on it, its labels, the
/// products it offers, and whether new work may land on it. Treated as immutable for the length of a pass.
/// </summary>
public sealed class SchedulingNode
{
    /// <summary>The node's id, unique in the snapshot; placements name it.</summary>
    public required string Id { get; init; }

    /// <summary>Everything the node offers.</summary>
    public required Resources Total { get; init; }

    /// <summary>What running (and admitted) work already holds on the node; free capacity is <c>Total - Allocated</c>.</summary>
    public Resources Allocated { get; init; }

    /// <summary>Labels that constraints match exactly, e.g. <c>arch=arm64</c>, <c>cluster=c1</c>, <c>node=n7</c>, <c>pool=vm</c>, <c>driver.process=true</c>.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = EmptyLabels.Instance;

    /// <summary>
    /// The product keys (<see cref="ProductKey"/>) the node offers; null or empty means it takes any product whose
    /// demand fits, as a node registered without a product list does.
    /// </summary>
    public IReadOnlySet<string>? Products { get; init; }

    /// <summary>False while the node drains or is cordoned: nothing new is placed on it.</summary>
    public bool Schedulable { get; init; } = true;

    /// <summary>What is free now: <see cref="Total"/> minus <see cref="Allocated"/>.</summary>
    public Resources Free => Total - Allocated;

    /// <summary>True when the node takes any product.</summary>
    public bool OffersAnyProduct => Products is null || Products.Count == 0;
}
