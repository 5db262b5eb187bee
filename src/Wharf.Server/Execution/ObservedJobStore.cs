using Wharf.Domain.Jobs;
using Wharf.Server.Callbacks;
using Wharf.Storage;

namespace Wharf.Server.Execution;

/// <summary>
/// The job store that publishes each committed creation and change on the <see cref="JobFeed"/> (see <see cref="ObservedStore"/>),
/// and gives every change of a job with a callback URL its outbox message, saved in the change's own transaction.
/// </summary>
internal sealed class ObservedJobStore(IJobStore inner, JobFeed feed) : IJobStore
{
    /// <summary>
    /// Publishes new jobs as the store commits them (<see cref="CreateJobsRequest.Committed"/>), not once this caller
    /// resumes: concurrent creations then reach the index in the order of their ids, as the scheduler's shortcut past
    /// full passes needs (a job that arrives behind a later one it already explained costs a full pass).
    /// </summary>
    public async Task<CreateJobsResult> CreateJobsAsync(CreateJobsRequest request, CancellationToken cancellationToken)
    {
        var published = false;
        var result = await inner.CreateJobsAsync(
            request with
            {
                Committed = created =>
                {
                    published = Publish(request, created);
                    request.Committed?.Invoke(created);
                },
            },
            cancellationToken);
        if (result is CreateJobsResult.Created done && !published)
        {
            // The store did not say where it put them: read them back rather than guess.
            foreach (var job in await inner.GetJobsAsync(done.Ids, cancellationToken))
            {
                feed.Publish(new JobNotice.Changed(job, job.Updates[^1], null));
            }
        }

        return result;
    }

    /// <summary>Publishes the jobs of <paramref name="request"/> as created; false, publishing nothing, when the store did not report their positions.</summary>
    private bool Publish(CreateJobsRequest request, CreateJobsResult.Created created)
    {
        if (created.Priorities.Count != created.Ids.Count)
        {
            return false;
        }

        var createdAt = DateTimeOffset.FromUnixTimeMilliseconds(request.Now.ToUnixTimeMilliseconds());
        var accepted = Job.Accepted(createdAt);
        for (var i = 0; i < created.Ids.Count; i++)
        {
            var item = request.Jobs[i];
            var job = new Job
            {
                Id = created.Ids[i],
                Owner = request.Owner,
                Specification = item.Specification,
                Status = item.Status with { Priority = created.Priorities[i] },
                Updates = [accepted],
                CreatedAt = createdAt,
                Version = 0,
            };
            feed.Publish(new JobNotice.Changed(job, accepted, null));
        }

        return true;
    }

    public Task<Job?> GetJobAsync(string id, CancellationToken cancellationToken) => inner.GetJobAsync(id, cancellationToken);

    public Task<IReadOnlyList<Job>> GetJobsAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
        inner.GetJobsAsync(ids, cancellationToken);

    public Task<JobPage> BrowseJobsAsync(JobQuery query, CancellationToken cancellationToken) => inner.BrowseJobsAsync(query, cancellationToken);

    public Task<string?> FindJobByKeyAsync(JobKey key, CancellationToken cancellationToken) => inner.FindJobByKeyAsync(key, cancellationToken);

    public IAsyncEnumerable<Job> StreamLiveJobsAsync(CancellationToken cancellationToken) => inner.StreamLiveJobsAsync(cancellationToken);

    public async Task<bool> TrySaveAsync(JobChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        change = CallbackMessages.Attach(change);
        var saved = await inner.TrySaveAsync(change, cancellationToken);
        if (saved)
        {
            Publish(change);
        }

        return saved;
    }

    public async Task<bool> TrySaveAllAsync(IReadOnlyList<JobChange> changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        changes = [.. changes.Select(CallbackMessages.Attach)];
        var saved = await inner.TrySaveAllAsync(changes, cancellationToken);
        if (saved)
        {
            foreach (var change in changes)
            {
                Publish(change);
            }
        }

        return saved;
    }

    public async Task<IReadOnlyList<bool>> TrySaveEachAsync(IReadOnlyList<JobChange> changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        changes = [.. changes.Select(CallbackMessages.Attach)];
        var saved = await inner.TrySaveEachAsync(changes, cancellationToken);
        for (var i = 0; i < changes.Count; i++)
        {
            if (saved[i])
            {
                Publish(changes[i]);
            }
        }

        return saved;
    }

    public async Task<IReadOnlyList<QueuePosition>> RenumberQueueAsync(string queue, long spacing, CancellationToken cancellationToken)
    {
        var positions = await inner.RenumberQueueAsync(queue, spacing, cancellationToken);
        feed.Publish(new JobNotice.Renumbered(queue, positions));
        return positions;
    }

    private void Publish(JobChange change) => feed.Publish(new JobNotice.Changed(change.After, change.Update, change.Transition));
}
