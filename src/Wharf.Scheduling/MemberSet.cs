namespace Wharf.Scheduling;

/// <summary>A filter's member positions as a dictionary key (sequence equality).</summary>
internal readonly struct MemberSet : IEquatable<MemberSet>
{
    private readonly int[] _members;
    private readonly int _hash;

    public MemberSet(int[] members)
    {
        _members = members;
        var hash = new HashCode();
        hash.Add(members.Length);
        foreach (var m in members) hash.Add(m);
        _hash = hash.ToHashCode();
    }

    public bool Equals(MemberSet other) => _hash == other._hash && _members.AsSpan().SequenceEqual(other._members);

    public override bool Equals(object? obj) => obj is MemberSet other && Equals(other);

    public override int GetHashCode() => _hash;
}
