namespace Wharf.Scheduling;

/// <summary>Capacity withheld for a starving job: the nodes where it waits for running work to end.</summary>
public sealed class Reservation
{
    /// <summary>Creates a reservation.</summary>
    public Reservation(string jobId, IReadOnlyList<string> nodeIds)
    {
        JobId = jobId;
        NodeIds = nodeIds;
    }

    /// <summary>The job the capacity is held for.</summary>
    public string JobId { get; }

    /// <summary>The node held for each instance, in instance order.</summary>
    public IReadOnlyList<string> NodeIds { get; }
}
