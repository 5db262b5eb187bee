namespace Wharf.Scheduling;

/// <summary>What one pass did, for metrics and benchmarks.</summary>
/// <param name="JobsConsidered">Jobs tried (placed or failed).</param>
/// <param name="JobsPlaced">Jobs placed.</param>
/// <param name="InstancesPlaced">Instances (ranks) placed.</param>
/// <param name="JobsSkippedByShape">Jobs failed without a search because an earlier job of the same demand and constraints had failed.</param>
/// <param name="NodeFilters">Distinct node filters (queue pool, product, labels, target) resolved.</param>
/// <param name="Reservations">Jobs that hold capacity.</param>
public sealed record SchedulingStatistics(
    int JobsConsidered, int JobsPlaced, int InstancesPlaced, int JobsSkippedByShape, int NodeFilters, int Reservations);
