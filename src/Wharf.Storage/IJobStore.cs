using Wharf.Domain.Jobs;

namespace Wharf.Storage;

/// <summary>Jobs: creation (bulk, idempotent, duplicate-aware), reads, and compare-and-set changes.</summary>
public interface IJobStore
{
    /// <summary>
    /// Creates every job of <paramref name="request"/> in one transaction, or none. Assigns increasing decimal ids,
    /// writes each job's first history entry, records the idempotency claim, and refuses duplicates, all inside
    /// that transaction; only after it commits are the ids returned.
    /// </summary>
    Task<CreateJobsResult> CreateJobsAsync(CreateJobsRequest request, CancellationToken cancellationToken);

    /// <summary>The job with this id and its full history, or null.</summary>
    Task<Job?> GetJobAsync(string id, CancellationToken cancellationToken);

    /// <summary>The jobs among <paramref name="ids"/> that exist, with their history; missing ids are skipped.</summary>
    Task<IReadOnlyList<Job>> GetJobsAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken);

    /// <summary>One page of jobs matching <paramref name="query"/>, with a token for the next page.</summary>
    Task<JobPage> BrowseJobsAsync(JobQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Saves <paramref name="change"/> if, and only if, the job is still in <see cref="JobChange.ExpectedState"/> at
    /// <see cref="JobChange.ExpectedVersion"/> (compare-and-set), appending its history entry in the same
    /// transaction. False when another change came first; the caller re-reads and decides again.
    /// </summary>
    Task<bool> TrySaveAsync(JobChange change, CancellationToken cancellationToken);

    /// <summary>Saves every change in one transaction if every compare-and-set holds; otherwise saves none and returns false.</summary>
    Task<bool> TrySaveAllAsync(IReadOnlyList<JobChange> changes, CancellationToken cancellationToken);

    /// <summary>
    /// Saves each change whose compare-and-set holds and skips the others, all in one transaction (a batch of a
    /// scheduler's placements, or of an agent's reports). Returns, in the order given, which were saved. Several changes
    /// to one job apply in the order given; once one of them fails the later ones fail too (their versions no longer match).
    /// </summary>
    Task<IReadOnlyList<bool>> TrySaveEachAsync(IReadOnlyList<JobChange> changes, CancellationToken cancellationToken);

    /// <summary>
    /// Streams, without their history, every job that waits, runs or still has processes on nodes: the states
    /// IN_QUEUE, RUNNING and CANCELING, and jobs in other states whose <see cref="JobStatus.Ranks"/> include a rank that
    /// has not exited. Read in batches, each its own short read, so that a backlog of millions never holds one long
    /// transaction; a job that changes meanwhile may be seen twice or missed, so callers subscribe to changes first.
    /// </summary>
    IAsyncEnumerable<Job> StreamLiveJobsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Renumbers every job of <paramref name="queue"/> that has not ended, in one transaction: their position keys
    /// become evenly spaced (by <paramref name="spacing"/>) in their current order (position key, then id), so that a
    /// job can again be moved between any two. Each renumbered job's version advances. Returns the new positions in
    /// queue order.
    /// </summary>
    Task<IReadOnlyList<QueuePosition>> RenumberQueueAsync(string queue, long spacing, CancellationToken cancellationToken);

    /// <summary>The id of the job holding <paramref name="key"/> (see <see cref="NewJob.Key"/>), or null.</summary>
    Task<string?> FindJobByKeyAsync(JobKey key, CancellationToken cancellationToken);
}
