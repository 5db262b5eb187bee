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
}
