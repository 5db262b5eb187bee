using Wharf.Domain.Groups;
using Wharf.Storage;

namespace Wharf.Server.Execution;

/// <summary>Groups as the server uses them: the jobs a group save creates are published on the <see cref="JobFeed"/>, as any new job is.</summary>
internal sealed class ObservedGroupStore(IGroupStore inner, IJobStore jobs, JobFeed feed) : IGroupStore
{
    public async Task<SaveGroupResult> SaveGroupAsync(
        JobGroup group, long? expectedVersion, CreateJobsRequest? newJobs, IReadOnlyList<string> components, CancellationToken cancellationToken)
    {
        var result = await inner.SaveGroupAsync(group, expectedVersion, newJobs, components, cancellationToken);
        if (result is SaveGroupResult.Saved saved && components.Count > 0)
        {
            // Read back rather than rebuild: the store bound the members' references to their siblings' ids.
            var ids = components.Select(c => saved.Group.JobOf(c)!).ToList();
            foreach (var job in await jobs.GetJobsAsync(ids, cancellationToken))
            {
                feed.Publish(new JobNotice.Changed(job, job.Updates[^1], null));
            }
        }

        return result;
    }

    public Task<JobGroup?> GetGroupAsync(string id, CancellationToken cancellationToken) => inner.GetGroupAsync(id, cancellationToken);

    public Task<JobGroup?> FindGroupOfJobAsync(string jobId, CancellationToken cancellationToken) => inner.FindGroupOfJobAsync(jobId, cancellationToken);

    public Task<IReadOnlyList<JobGroup>> ListGroupsAsync(string? project, string? kind, int limit, CancellationToken cancellationToken) =>
        inner.ListGroupsAsync(project, kind, limit, cancellationToken);
}
