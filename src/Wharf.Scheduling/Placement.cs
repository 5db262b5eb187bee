namespace Wharf.Scheduling;

/// <summary>A decision: every instance of a job goes to a node. The capacity is taken for the rest of the pass.</summary>
public sealed class Placement
{
    /// <summary>Creates a placement.</summary>
    public Placement(string jobId, IReadOnlyList<string> nodeIds)
    {
        JobId = jobId;
        NodeIds = nodeIds;
    }

    /// <summary>The job placed.</summary>
    public string JobId { get; }

    /// <summary>The node of each instance: <c>NodeIds[i]</c> takes <c>Demand[i]</c> (rank i). A node may appear more than once.</summary>
    public IReadOnlyList<string> NodeIds { get; }
}
