namespace Wharf.Scheduling;

/// <summary>Why a job is still waiting after a pass: a sentence for people and the counts behind it (<c>GET /api/jobs/explain</c>).</summary>
public sealed class JobExplanation
{
    /// <summary>The waiting job.</summary>
    public required string JobId { get; init; }

    /// <summary>Its queue.</summary>
    public required string Queue { get; init; }

    /// <summary>A sentence a person can read, e.g. <c>waiting: needs 4 cpu per rank, largest free is 2 cpu (3 nodes busy)</c>.</summary>
    public required string Reason { get; init; }

    /// <summary>How many jobs of the same queue came before it in this pass and are still waiting too.</summary>
    public int JobsAhead { get; init; }

    /// <summary>False when the pass never tried it (its queue has backfill off and stopped at an earlier job).</summary>
    public bool Evaluated { get; init; } = true;

    /// <summary>How many nodes the snapshot held.</summary>
    public int NodesTotal { get; init; }

    /// <summary>How many nodes had room for the instance that could not be placed (a gang that fits only in part).</summary>
    public int NodesFitting { get; init; }

    /// <summary>
    /// Nodes counted by the first check each failed, e.g. <c>{"product not offered": 3, "label arch=arm64": 10,
    /// "insufficient cpu": 2}</c>; keys are those of <see cref="NodeFailures"/>. Measured when the first job of the
    /// same demand and constraints failed in the pass; jobs of that shape share it.
    /// </summary>
    public IReadOnlyDictionary<string, int> NodeFailures { get; init; } = new Dictionary<string, int>();

    /// <summary>The nodes whose capacity is held for this job (see <see cref="SchedulerOptions.ReservationAge"/>); empty when none.</summary>
    public IReadOnlyList<string> ReservedNodeIds { get; init; } = [];
}
