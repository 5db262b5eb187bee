namespace Wharf.Scheduling;

/// <summary>Builds the instance lists of <see cref="SchedulingJob.Demand"/>.</summary>
public static class JobDemand
{
    /// <summary><paramref name="count"/> equal instances of <paramref name="perRank"/>: the demand of a job with that many replicas.</summary>
    public static IReadOnlyList<Resources> Replicas(Resources perRank, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var demand = new Resources[count];
        Array.Fill(demand, perRank);
        return demand;
    }

    /// <summary>Whether two demands ask for the same instances, in the same order.</summary>
    internal static bool Same(IReadOnlyList<Resources> a, IReadOnlyList<Resources> b)
    {
        if (ReferenceEquals(a, b)) return true;
        if (a.Count != b.Count) return false;
        for (var i = 0; i < a.Count; i++)
            if (a[i] != b[i]) return false;
        return true;
    }

    /// <summary>Adds a demand to a hash, consistently with <see cref="Same"/>.</summary>
    internal static void AddTo(ref HashCode hash, IReadOnlyList<Resources> demand)
    {
        hash.Add(demand.Count);
        for (var i = 0; i < demand.Count; i++) hash.Add(demand[i]);
    }
}
