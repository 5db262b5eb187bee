using Wharf.Domain.Jobs;

namespace Wharf.Client;

/// <summary>
/// Why a job is not running (<c>GET /api/jobs/explain</c>): its state and place in its queue, the scheduler's sentence,
/// and how many of the nodes it considered failed each constraint first.
/// </summary>
/// <param name="JobId">The job.</param>
/// <param name="State">Its state now.</param>
/// <param name="Queue">The queue it waits in.</param>
/// <param name="Position">How many waiting jobs are ahead of it in its queue (0: it is next); null when it does not wait.</param>
/// <param name="Reason">Why it waits, a sentence a person can read (<c>waiting: no node offers product x/c/big</c>); for a job that does not wait, its status reason.</param>
/// <param name="NodesConsidered">How many nodes the scheduler looked at for it; null when it does not wait.</param>
/// <param name="Failures">Nodes counted by the first constraint each failed (<c>insufficient cpu</c>: 3); null when it does not wait.</param>
public sealed record JobExplanation(
    string JobId,
    JobState State,
    string? Queue,
    int? Position,
    string? Reason,
    int? NodesConsidered,
    IReadOnlyDictionary<string, int>? Failures);
