using Wharf.Domain.Jobs;

namespace Wharf.Storage;

/// <summary>A request to create jobs, all for one owner, all at once.</summary>
/// <param name="Owner">Who creates them.</param>
/// <param name="Jobs">The jobs, in request order; ids are assigned in that order.</param>
/// <param name="Now">The creation time (whole milliseconds).</param>
/// <param name="Idempotency">The client's idempotency key and the digest of its request body, if a key was sent.</param>
public sealed record CreateJobsRequest(Owner Owner, IReadOnlyList<NewJob> Jobs, DateTimeOffset Now, IdempotencyClaim? Idempotency)
{
    /// <summary>
    /// Called by the store once the jobs are committed, before the creation's call returns: on the committing thread,
    /// one creation after another in commit order, so that whoever follows new jobs learns of them in the order of
    /// their ids (concurrent callers resume in any order). Must be quick and must not throw.
    /// </summary>
    public Action<CreateJobsResult.Created>? Committed { get; init; }
}

/// <summary>One job to create.</summary>
/// <param name="Specification">What was asked for.</param>
/// <param name="Status">Its first status: IN_QUEUE, its queue and time allocation. The store assigns <see cref="JobStatus.Priority"/> when it is 0 (behind every job in the queue).</param>
/// <param name="Fingerprint">The digest of its application and parameters (<c>JobFingerprint</c>).</param>
/// <param name="RefuseDuplicate">When true, creation fails if the owner has an active (IN_QUEUE, RUNNING, CANCELING) job with the same fingerprint, or the request holds an earlier one.</param>
public sealed record NewJob(JobSpecification Specification, JobStatus Status, string Fingerprint, bool RefuseDuplicate)
{
    /// <summary>A key a door gives the job, unique in its scope (resource-queue's request_id per type); creation fails when it is taken.</summary>
    public JobKey? Key { get; init; }
}

/// <summary>A key unique within its scope, naming one job (e.g. scope <c>resource-queue/vm</c>, key the client's request_id).</summary>
/// <param name="Scope">Where the key is unique.</param>
/// <param name="Key">The key.</param>
public sealed record JobKey(string Scope, string Key);

/// <summary>An idempotency key scoped to the owner, and the digest of the request body that first used it.</summary>
public sealed record IdempotencyClaim(string Key, string RequestHash);

/// <summary>The outcome of <see cref="IJobStore.CreateJobsAsync"/>.</summary>
public abstract record CreateJobsResult
{
    /// <summary>The jobs were created with these ids, in request order.</summary>
    public sealed record Created(IReadOnlyList<string> Ids) : CreateJobsResult
    {
        /// <summary>The position key each job was given, in the order of <see cref="Ids"/> (empty when not reported).</summary>
        public IReadOnlyList<long> Priorities { get; init; } = [];
    }

    /// <summary>The idempotency key was used before with the same body: these are the ids of that first request. Nothing new was created.</summary>
    public sealed record Replayed(IReadOnlyList<string> Ids) : CreateJobsResult;

    /// <summary>The idempotency key was used before with another body. Nothing was created.</summary>
    public sealed record IdempotencyConflict : CreateJobsResult;

    /// <summary>Item <paramref name="Index"/> duplicates active job <paramref name="ExistingJobId"/> (or an earlier item, then null). Nothing was created.</summary>
    public sealed record Duplicate(int Index, string? ExistingJobId) : CreateJobsResult;

    /// <summary>Item <paramref name="Index"/> names a <see cref="NewJob.Key"/> that job <paramref name="ExistingJobId"/> already holds. Nothing was created.</summary>
    public sealed record KeyTaken(int Index, string ExistingJobId) : CreateJobsResult;
}
