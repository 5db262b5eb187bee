using System.Text.RegularExpressions;
using Wharf.Domain.Jobs;
using Wharf.Domain.Serialization;
using Wharf.Server.Auth;
using Wharf.Server.Execution;
using Wharf.Storage;

namespace Wharf.Server.Doors.ResourceQueue;

/// <summary>
/// The resource-queue door, <c>/v1/{type}/</c>: admission-only jobs in resource-queue's shapes. A type is a queue
/// of the same name, served by declared nodes labelled <c>pool=&lt;type&gt;</c>. It only translates: jobs are made,
/// moved and released through the same store, index and queue moves as the native API, so a job made here is seen,
/// moved and terminated there too.
/// </summary>
internal static partial class ResourceQueueDoor
{
    private const int Attempts = 5;

    public static void Map(IEndpointRouteBuilder routes)
    {
        // Endpoint routing matches with and without a trailing slash, so /v1/vm and /v1/vm/ (and /v1/vm/d/) are one route.
        var door = routes.MapGroup("/v1/{type}").RequireAuthorization(Policies.JobsCaller).WithTags("resource-queue");
        door.MapGet("/", ListAsync).WithName("ResourceQueueList").WithSummary("Jobs of a type, by priority; ?owner_id= and ?status= filter");
        door.MapPost("/", CreateAsync).WithName("ResourceQueueCreate").WithSummary("Queue an admission-only job {request_id, owner_id, data, callback}");
        door.MapGet("/{requestId}", GetAsync).WithName("ResourceQueueGet").WithSummary("One job by request_id");
        door.MapPost("/{requestId}", UpdateAsync).WithName("ResourceQueueUpdate").WithSummary("Move a job {priority} or set its status {status}");
        door.MapDelete("/{requestId}", DeleteAsync).WithName("ResourceQueueDelete").WithSummary("Release the job's capacity and delete it");
    }

    private static JobKey KeyOf(string type, string requestId) => new("resource-queue/" + type, requestId);

    private static async Task<IResult> ListAsync(HttpContext http, string type, string? owner_id, string? status, IWharfStore store, CancellationToken ct)
    {
        if (CheckType(type) is { } bad)
        {
            return bad;
        }

        if (status is not null && !QueueJobShape.Statuses.Contains(status))
        {
            return QueueEnvelope.Fault(400, "unknown_status", "status is one of queued, running, done, error", "status");
        }

        var caller = Caller.From(http.User);
        var jobs = new List<QueueJobShape>();
        string? next = null;
        do
        {
            var page = await store.Jobs.BrowseJobsAsync(
                new JobQuery { Project = caller.IsAdmin ? null : caller.Project ?? "", Queue = type, ItemsPerPage = 1000, Next = next }, ct);
            foreach (var job in page.Items)
            {
                if (job.Specification.Admission is null || QueueJobShape.IsDeleted(job) || !caller.CanSee(job))
                {
                    continue;
                }

                var shape = QueueJobShape.From(job);
                if ((owner_id is null || shape.OwnerId == owner_id) && (status is null || shape.Status == status))
                {
                    jobs.Add(shape);
                }
            }

            next = page.Next;
        }
        while (next is not null);

        return QueueEnvelope.Success(jobs.OrderBy(j => j.Priority).ThenBy(j => j.Id).ToList());
    }

    private static async Task<IResult> CreateAsync(HttpContext http, string type, IWharfStore store, WharfServerOptions options, TimeProvider time, CancellationToken ct)
    {
        if (CheckType(type) is { } bad)
        {
            return bad;
        }

        var caller = Caller.From(http.User);
        if (caller.Project is null)
        {
            return QueueEnvelope.Fault(403, "forbidden", "jobs belong to a project and this token names none");
        }

        var (body, fault) = await QueueRequests.ReadObjectAsync(http, options.MaxRequestBodyBytes, ct);
        if (body is null)
        {
            return fault!.ToResult();
        }

        var (request, invalid) = QueueRequests.ReadCreate(body);
        if (request is null)
        {
            return invalid!.ToResult();
        }

        var spec = new JobSpecification
        {
            Queue = type,
            Admission = request.Demand,
            Callback = request.Callback,
            Annotations = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [QueueJobShape.Annotations.RequestId] = request.RequestId,
                [QueueJobShape.Annotations.OwnerId] = request.OwnerId,
                [QueueJobShape.Annotations.Data] = request.Data,
            },
        };
        var key = KeyOf(type, request.RequestId);
        var newJob = new NewJob(spec, new JobStatus { Queue = type, Reason = "waiting for capacity" }, $"{key.Scope}/{key.Key}", RefuseDuplicate: false) { Key = key };
        var now = WharfJson.ToMilliseconds(time.GetUtcNow());
        var result = await store.Jobs.CreateJobsAsync(new CreateJobsRequest(new Owner(caller.User, caller.Project), [newJob], now, null), ct);
        if (result is CreateJobsResult.KeyTaken)
        {
            return QueueEnvelope.Fault(409, "duplicate_request_id", $"request_id '{request.RequestId}' is already used in type '{type}'", "request_id");
        }

        if (result is not CreateJobsResult.Created created || await store.Jobs.GetJobAsync(created.Ids[0], ct) is not { } job)
        {
            return QueueEnvelope.Fault(409, "conflict", "the job could not be created");
        }

        return QueueEnvelope.Success(QueueJobShape.From(job));
    }

    private static async Task<IResult> GetAsync(HttpContext http, string type, string requestId, IWharfStore store, CancellationToken ct)
    {
        var (job, missing) = await FindAsync(http, type, requestId, store, ct);
        return job is null ? missing! : QueueEnvelope.Success(QueueJobShape.From(job));
    }

    private static async Task<IResult> UpdateAsync(
        HttpContext http, string type, string requestId, IWharfStore store, ExecutionIndex index, QueueMoves moves, WharfServerOptions options,
        TimeProvider time, CancellationToken ct)
    {
        var (job, missing) = await FindAsync(http, type, requestId, store, ct);
        if (job is null)
        {
            return missing!;
        }

        var (body, fault) = await QueueRequests.ReadObjectAsync(http, options.MaxRequestBodyBytes, ct);
        if (body is null)
        {
            return fault!.ToResult();
        }

        var (update, invalid) = QueueRequests.ReadUpdate(body);
        if (update is null)
        {
            return invalid!.ToResult();
        }

        return update.Priority is { } priority
            ? await MoveAsync(job, priority, store, index, moves, ct)
            : await SetStatusAsync(job, update.Status!, store, time, ct);
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, string type, string requestId, IWharfStore store, TimeProvider time, CancellationToken ct)
    {
        var (job, missing) = await FindAsync(http, type, requestId, store, ct);
        if (job is null)
        {
            return missing!;
        }

        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var now = WharfJson.ToMilliseconds(time.GetUtcNow());
            var change = AdmissionDemands.Release(job, now, QueueJobShape.DeletedReason)
                ?? (job.Status.State.IsFinal() ? job.Amend(s => s with { Reason = QueueJobShape.DeletedReason }, now, QueueJobShape.DeletedReason) : null);
            if (change is null)
            {
                return QueueEnvelope.Fault(409, "invalid_transition", $"the job is {job.Status.State.ToWire()} and cannot be deleted now");
            }

            if (await store.Jobs.TrySaveAsync(change, ct))
            {
                return QueueEnvelope.Success(new Dictionary<string, object>());
            }

            job = await store.Jobs.GetJobAsync(job.Id, ct) ?? job;
        }

        return QueueEnvelope.Fault(409, "conflict", "the job kept changing; try again");
    }

    /// <summary>
    /// A client's priority is read as the place it names in the current order: below every other waiting job is the
    /// front, above every other the back, otherwise just after the last job whose key is at or below it. The door then
    /// makes that move with <see cref="QueueMoves"/>, which picks the key (and renumbers when no whole number fits), so
    /// a truncated midpoint that equals a neighbour's key still lands between the two and never collides.
    /// </summary>
    private static async Task<IResult> MoveAsync(Job job, long priority, IWharfStore store, ExecutionIndex index, QueueMoves moves, CancellationToken ct)
    {
        if (job.Status.State != JobState.InQueue || index.Around(job.Id, priority) is not { } around)
        {
            return QueueEnvelope.Fault(409, "not_queued", $"only a queued job can be moved; this one is {QueueJobShape.StatusOf(job.Status.State)}", "priority");
        }

        var (target, other) = (around.Below, around.Above) switch
        {
            (null, _) => (QueueMoves.Target.Front, (string?)null),
            (_, null) => (QueueMoves.Target.Back, null),
            ({ } below, _) => (QueueMoves.Target.After, below),
        };
        var otherJob = other is null ? null : await store.Jobs.GetJobAsync(other, ct);
        var outcome = await moves.MoveAsync(job, target, otherJob, ct);
        return outcome switch
        {
            QueueMoves.Outcome.Moved => QueueEnvelope.Success(new Dictionary<string, object>()),
            QueueMoves.Outcome.NotWaiting => QueueEnvelope.Fault(409, "not_queued", "the job (or its new neighbour) is no longer queued; try again", "priority"),
            _ => QueueEnvelope.Fault(409, "conflict", "the queue kept changing; try again", "priority"),
        };
    }

    private static async Task<IResult> SetStatusAsync(Job job, string status, IWharfStore store, TimeProvider time, CancellationToken ct)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var current = QueueJobShape.StatusOf(job.Status.State);
            if (current == status)
            {
                return QueueEnvelope.Success(new Dictionary<string, object>());
            }

            var now = WharfJson.ToMilliseconds(time.GetUtcNow());
            var change = status switch
            {
                QueueJobShape.Done => AdmissionDemands.Release(job, now, "Released by the client"),
                QueueJobShape.Error => AdmissionDemands.Fail(job, now, "Marked as error by the client"),
                _ => null, // queued and running are Wharf's to decide: running means admitted.
            };
            if (change is null)
            {
                return QueueEnvelope.Fault(409, "invalid_transition", $"a {current} job cannot be set to {status}", "status");
            }

            if (await store.Jobs.TrySaveAsync(change, ct))
            {
                return QueueEnvelope.Success(new Dictionary<string, object>());
            }

            job = await store.Jobs.GetJobAsync(job.Id, ct) ?? job;
        }

        return QueueEnvelope.Fault(409, "conflict", "the job kept changing; try again");
    }

    private static async Task<(Job? Job, IResult? Missing)> FindAsync(HttpContext http, string type, string requestId, IWharfStore store, CancellationToken ct)
    {
        if (CheckType(type) is { } bad)
        {
            return (null, bad);
        }

        var caller = Caller.From(http.User);
        var id = await store.Jobs.FindJobByKeyAsync(KeyOf(type, requestId), ct);
        var job = id is null ? null : await store.Jobs.GetJobAsync(id, ct);
        return job is null || !caller.CanSee(job) || QueueJobShape.IsDeleted(job)
            ? (null, QueueEnvelope.Fault(404, "not_found", $"there is no job with request_id '{requestId}' in type '{type}'", "request_id"))
            : (job, null);
    }

    private static IResult? CheckType(string type) => TypePattern().IsMatch(type)
        ? null
        : QueueEnvelope.Fault(400, "invalid_type", "a type is 1–63 lower-case letters, digits, '-' and '_' (it names a queue)", "type");

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,62}$")]
    private static partial Regex TypePattern();
}
