namespace Wharf.Scheduling;

/// <summary>
/// A job's demand and node filter as a dictionary key. Within a pass free capacity only shrinks, so once a shape
/// fails every later job of the same shape fails too and is skipped without a search.
/// </summary>
internal readonly struct ShapeKey : IEquatable<ShapeKey>
{
    private readonly NodeFilter _filter;
    private readonly PlacementStrategy _strategy;
    private readonly IReadOnlyList<Resources> _demand;
    private readonly int _hash;

    public ShapeKey(NodeFilter filter, PlacementStrategy strategy, IReadOnlyList<Resources> demand)
    {
        _filter = filter;
        _strategy = strategy;
        _demand = demand;
        var hash = new HashCode();
        hash.Add(filter.Id);
        hash.Add(strategy);
        JobDemand.AddTo(ref hash, demand);
        _hash = hash.ToHashCode();
    }

    public bool Equals(ShapeKey other) =>
        _hash == other._hash && ReferenceEquals(_filter, other._filter) && _strategy == other._strategy && JobDemand.Same(_demand, other._demand);

    public override bool Equals(object? obj) => obj is ShapeKey other && Equals(other);

    public override int GetHashCode() => _hash;
}
