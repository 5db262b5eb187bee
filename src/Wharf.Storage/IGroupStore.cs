using Wharf.Domain.Groups;

namespace Wharf.Storage;

/// <summary>Job groups: each saved together with the jobs it creates, in one transaction.</summary>
public interface IGroupStore
{
    /// <summary>
    /// Saves <paramref name="group"/> and creates <paramref name="jobs"/> (its new members, item i running component
    /// <paramref name="components"/>[i]) in one transaction, or nothing. With <paramref name="expectedVersion"/> null the
    /// group is new; otherwise it is saved only if its stored version still is <paramref name="expectedVersion"/>
    /// (compare-and-set). The members of the given components become the new jobs; other members stay.
    /// </summary>
    Task<SaveGroupResult> SaveGroupAsync(
        JobGroup group, long? expectedVersion, CreateJobsRequest? jobs, IReadOnlyList<string> components, CancellationToken cancellationToken);

    /// <summary>The group with this id (deleted ones included), or null.</summary>
    Task<JobGroup?> GetGroupAsync(string id, CancellationToken cancellationToken);

    /// <summary>The group that has, or had, <paramref name="jobId"/> as a member, or null.</summary>
    Task<JobGroup?> FindGroupOfJobAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>Groups that are not deleted, oldest first: of one project (all when null), of one kind (all when null), at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<JobGroup>> ListGroupsAsync(string? project, string? kind, int limit, CancellationToken cancellationToken);
}

/// <summary>The outcome of <see cref="IGroupStore.SaveGroupAsync"/>.</summary>
public abstract record SaveGroupResult
{
    /// <summary>Saved; the group as stored, with its members and new version.</summary>
    public sealed record Saved(JobGroup Group) : SaveGroupResult;

    /// <summary>Another change came first (the version did not match); nothing was saved.</summary>
    public sealed record Conflict : SaveGroupResult;

    /// <summary>The jobs could not be created (replayed or conflicting idempotency key, duplicate, key taken); nothing was saved.</summary>
    public sealed record JobsRefused(CreateJobsResult Result) : SaveGroupResult;
}
