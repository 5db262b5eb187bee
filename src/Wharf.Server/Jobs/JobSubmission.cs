using System.Security.Cryptography;
using Wharf.Domain.Jobs;
using Wharf.Domain.Serialization;
using Wharf.Domain.Validation;
using Wharf.Server.Api;
using Wharf.Server.Auth;
using Wharf.Server.Catalog;
using Wharf.Server.Problems;
using Wharf.Storage;

namespace Wharf.Server.Jobs;

/// <summary>
/// Creating jobs: every item validated against one catalog snapshot and the peers the caller may see, all problems
/// of all items answered at once; then one all-or-nothing store call that also settles duplicates and idempotency.
/// </summary>
internal sealed class JobSubmission(IWharfStore store, CatalogCache catalog, TimeProvider time)
{
    public const int MaxItems = 1000;

    public async Task<IResult> SubmitAsync(
        Caller caller, Owner owner, byte[] body, BulkRequest<JobSpecification> request, string? idempotencyKey, CancellationToken cancellationToken)
    {
        if (request.Items is not { Count: >= 1 and <= MaxItems } items)
        {
            return Problem.Validation("items", request.Items is null ? "required" : "out_of_range",
                $"a request holds 1 to {MaxItems} items; this one holds {request.Items?.Count ?? 0}");
        }

        var snapshot = await catalog.GetAsync(cancellationToken);
        var peers = await VisiblePeersAsync(caller, items, cancellationToken);
        var errors = new List<ValidationError>();
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is not { } spec)
            {
                errors.Add(new($"items[{i}]", "required", "an item may not be null"));
                continue;
            }

            errors.AddRange(JobSpecificationValidator.Validate(spec, $"items[{i}]", snapshot, id => peers.GetValueOrDefault(id)));
            errors.AddRange(GroupOnlyFields(spec, $"items[{i}]"));
        }

        if (errors.Count > 0)
        {
            return Problem.Validation(errors);
        }

        var jobs = items.Select(spec => NewJob(spec!, snapshot)).ToList();
        var claim = idempotencyKey is null ? null : new IdempotencyClaim(idempotencyKey, Convert.ToHexStringLower(SHA256.HashData(body)));
        var now = WharfJson.ToMilliseconds(time.GetUtcNow());
        var result = await store.Jobs.CreateJobsAsync(new CreateJobsRequest(owner, jobs, now, claim), cancellationToken);
        return result switch
        {
            CreateJobsResult.Created created => Ids(created.Ids),
            CreateJobsResult.Replayed replayed => Ids(replayed.Ids),
            CreateJobsResult.IdempotencyConflict => Problem.Conflict(ProblemCodes.IdempotencyConflict,
                $"Idempotency-Key '{idempotencyKey}' was used before with another request body; nothing was created",
                [new("Idempotency-Key", ProblemCodes.IdempotencyConflict, "this key belongs to another request")]),
            CreateJobsResult.Duplicate duplicate => Duplicate(duplicate),
            _ => throw new InvalidOperationException($"unknown result {result}"),
        };
    }

    /// <summary>
    /// Fields that only Wharf sets, when it creates a group's jobs from a manifest (<c>/api/groups</c>, the ICOS and Tycho
    /// doors): a job sent on its own runs an application from the catalog, under Wharf's own scheduler.
    /// </summary>
    private static IEnumerable<ValidationError> GroupOnlyFields(JobSpecification spec, string prefix)
    {
        foreach (var (field, set) in new[]
        {
            ("definition", spec.Definition is not null), ("group", spec.Group is not null), ("orchestrator", spec.Orchestrator is not null),
            ("dependsOn", spec.DependsOn is not null),
        })
        {
            if (set)
            {
                yield return new($"{prefix}.{field}", "not_allowed", $"{field} is set by Wharf for the jobs of a group; create a group (/api/groups) instead");
            }
        }
    }

    private static NewJob NewJob(JobSpecification spec, CatalogSnapshot snapshot)
    {
        var application = spec.Definition ?? snapshot.FindApplication(spec.Application!.Name!, spec.Application.Version!);
        var queue = spec.Queue ?? application?.Queue ?? Queues.Default;
        var status = new JobStatus
        {
            State = JobState.InQueue,
            Queue = queue,
            TimeAllocation = spec.TimeAllocation,
            Reason = $"waiting: queued in '{queue}'",
        };
        return new NewJob(spec, status, JobFingerprint.Compute(spec), RefuseDuplicate: !spec.AllowDuplicateJob);
    }

    private async Task<Dictionary<string, PeerView>> VisiblePeersAsync(Caller caller, IReadOnlyList<JobSpecification?> items, CancellationToken cancellationToken)
    {
        var ids = items
            .SelectMany(spec => (spec?.Parameters?.Values ?? []).Concat(spec?.Resources ?? []))
            .Where(value => value?.Type == ParameterTypes.Peer && Identifiers.IsJobId(value.JobId))
            .Select(value => value!.JobId!)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (ids.Count == 0)
        {
            return [];
        }

        // A job of another project is simply absent here, so validation says "no such job" and leaks nothing.
        var found = await store.Jobs.GetJobsAsync(ids, cancellationToken);
        return found.Where(caller.CanSee).ToDictionary(job => job.Id, job => new PeerView(job.Id, job.Status.State), StringComparer.Ordinal);
    }

    private static IResult Ids(IReadOnlyList<string> ids) =>
        TypedResults.Ok(new BulkResponse<FindByStringId>([.. ids.Select(id => new FindByStringId(id))]));

    private static ProblemResult Duplicate(CreateJobsResult.Duplicate duplicate)
    {
        var field = $"items[{duplicate.Index}]";
        var message = duplicate.ExistingJobId is { } existing
            ? $"job {existing} has the same application and parameters and is still active; set allowDuplicateJob to create another"
            : "an earlier item of this request has the same application and parameters; set allowDuplicateJob to create both";
        return Problem.Conflict(ProblemCodes.DuplicateJob, $"{field}: {message}", [new(field, ProblemCodes.DuplicateJob, message)]);
    }
}
