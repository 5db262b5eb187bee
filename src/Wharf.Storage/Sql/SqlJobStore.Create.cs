using System.Data.Common;
using System.Text.Json;
using Wharf.Domain.Jobs;

namespace Wharf.Storage.Sql;

/// <summary>Bulk, idempotent, duplicate-aware job creation.</summary>
internal sealed partial class SqlJobStore
{
    /// <summary>The gap left between queue positions assigned at creation, so a job can later be moved between two.</summary>
    public const long PrioritySpacing = 1024;

    private readonly CreationQueue _creations = new(database, WriteOneAsync);

    public Task<CreateJobsResult> CreateJobsAsync(CreateJobsRequest request, CancellationToken cancellationToken) =>
        CreateJobsAsync(request, alongside: null, cancellationToken);

    /// <summary>
    /// Creates the jobs of <paramref name="request"/> as <see cref="CreateJobsAsync(CreateJobsRequest, CancellationToken)"/> does and,
    /// once they have ids, runs <paramref name="alongside"/> in the same transaction before it commits (a group's rows);
    /// an exception from it rolls everything of this request back.
    /// </summary>
    public async Task<CreateJobsResult> CreateJobsAsync(
        CreateJobsRequest request, Func<SqlSession, IReadOnlyList<string>, CancellationToken, Task>? alongside, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            // Concurrent creations share one transaction (group commit); each still succeeds or fails on its own.
            return await _creations.CreateAsync(new PendingCreation(request, alongside, cancellationToken)).ConfigureAwait(false);
        }
        catch (DbException e) when (request.Idempotency is { } claim && database.IsUniqueViolation(e))
        {
            // Another request claimed the same key and committed between our check and our insert (the creation
            // locks make this rare; the primary key makes it safe). Its claim decides, as if it had come first.
            await using var session = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
            var prior = await ReadClaimAsync(session, request.Owner, claim.Key, cancellationToken).ConfigureAwait(false);
            if (prior is null)
            {
                throw;
            }

            return Resolve(prior.Value, claim);
        }
    }

    /// <summary>Writes one creation inside its batch's transaction, whose creation locks cover its owner and queues.</summary>
    private static async Task<CreateJobsResult> WriteOneAsync(CreationBatch batch, PendingCreation creation, CancellationToken cancellationToken)
    {
        var (request, alongside) = (creation.Request, creation.Alongside);
        var session = batch.Session;
        var owner = request.Owner;
        var createdAt = DateTimeOffset.FromUnixTimeMilliseconds(request.Now.ToUnixTimeMilliseconds());

        // Rows of the batch's earlier creations may still wait to be written (PostgreSQL): the duplicate check reads
        // jobs, and keys and a group's rows refer to them, so those need them written first.
        if (request.Jobs.Any(j => j.RefuseDuplicate))
        {
            await batch.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        if (request.Idempotency is { } claim
            && await ReadClaimAsync(session, owner, claim.Key, cancellationToken).ConfigureAwait(false) is { } prior)
        {
            return Resolve(prior, claim);
        }

        if (await FindDuplicateAsync(session, request, cancellationToken).ConfigureAwait(false) is { } duplicate)
        {
            return duplicate;
        }

        for (var i = 0; i < request.Jobs.Count; i++)
        {
            // The queue lock taken for the batch serialises creations per queue; a door's scope maps to its queue, so
            // the check cannot race another creation of the same key (and the primary key refuses it should it ever).
            if (request.Jobs[i].Key is { } key)
            {
                if (await FindKeyAsync(session, key, cancellationToken).ConfigureAwait(false) is { } holder)
                {
                    return new CreateJobsResult.KeyTaken(i, JobIds.Format(holder));
                }

                if (request.Jobs.Take(i).Any(j => j.Key == key))
                {
                    return new CreateJobsResult.KeyTaken(i, "");
                }
            }
        }

        var rows = new List<(NewJob Job, JobStatus Status)>(request.Jobs.Count);
        var priorities = new List<long>(request.Jobs.Count);
        foreach (var job in request.Jobs)
        {
            var queue = job.Status.Queue;
            var tail = await batch.TailAsync(queue, cancellationToken).ConfigureAwait(false);
            var priority = job.Status.Priority != 0 ? job.Status.Priority : Behind(tail);
            batch.SetTail(queue, Math.Max(tail, priority));
            priorities.Add(priority);
            rows.Add((job, job.Status with { Priority = priority }));
        }

        var ids = await batch.InsertJobsAsync(owner, createdAt, rows, cancellationToken).ConfigureAwait(false);
        var created = ids.ConvertAll(JobIds.Format);
        if (alongside is not null || request.Jobs.Any(j => j.Key is not null))
        {
            await batch.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].Job.Key is { } key)
            {
                await using var command = session.Command("INSERT INTO job_keys (scope, key, job_id) VALUES (@scope, @key, @job_id)");
                command.With("@scope", key.Scope).With("@key", key.Key).With("@job_id", ids[i]);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        if (request.Idempotency is { } newClaim)
        {
            await InsertClaimAsync(batch.Database, session, owner, newClaim, created, createdAt, cancellationToken).ConfigureAwait(false);
        }

        if (alongside is not null)
        {
            await alongside(session, created, cancellationToken).ConfigureAwait(false);
        }

        return new CreateJobsResult.Created(created) { Priorities = priorities };
    }

    /// <summary>
    /// The position behind <paramref name="tail"/>. Saturates rather than overflows: should a client ever push a
    /// job to the very end of the range, new jobs tie with it and the id still orders them.
    /// </summary>
    private static long Behind(long tail) => tail > long.MaxValue - PrioritySpacing ? long.MaxValue : tail + PrioritySpacing;

    private static CreateJobsResult Resolve((string RequestHash, IReadOnlyList<string> Ids) prior, IdempotencyClaim claim) =>
        string.Equals(prior.RequestHash, claim.RequestHash, StringComparison.Ordinal)
            ? new CreateJobsResult.Replayed(prior.Ids)
            : new CreateJobsResult.IdempotencyConflict();

    private static async Task<CreateJobsResult.Duplicate?> FindDuplicateAsync(SqlSession session, CreateJobsRequest request, CancellationToken cancellationToken)
    {
        var refused = request.Jobs.Where(j => j.RefuseDuplicate).Select(j => j.Fingerprint).Distinct(StringComparer.Ordinal).ToList();
        if (refused.Count == 0)
        {
            return null;
        }

        var active = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var batch in refused.Chunk(BatchSize))
        {
            await using var command = session.Command("");
            var states = command.InList("s", Enum.GetValues<JobState>().Where(s => s.IsActive()).Select(s => s.ToWire()));
            command.CommandText =
                $"""
                SELECT fingerprint, MIN(id) FROM jobs
                WHERE project = @project AND created_by = @created_by AND state IN {states} AND fingerprint IN {command.InList("f", batch)}
                GROUP BY fingerprint
                """;
            command.With("@project", request.Owner.Project).With("@created_by", request.Owner.CreatedBy);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                active[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        var earlier = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < request.Jobs.Count; i++)
        {
            var job = request.Jobs[i];
            if (job.RefuseDuplicate && earlier.Contains(job.Fingerprint))
            {
                return new CreateJobsResult.Duplicate(i, null);
            }

            if (job.RefuseDuplicate && active.TryGetValue(job.Fingerprint, out var existing))
            {
                return new CreateJobsResult.Duplicate(i, JobIds.Format(existing));
            }

            earlier.Add(job.Fingerprint);
        }

        return null;
    }

    private static async Task<(string RequestHash, IReadOnlyList<string> Ids)?> ReadClaimAsync(
        SqlSession session, Owner owner, string key, CancellationToken cancellationToken)
    {
        await using var command = session.Command(
            "SELECT request_hash, ids FROM idempotency_keys WHERE project = @project AND created_by = @created_by AND idempotency_key = @key");
        command.With("@project", owner.Project).With("@created_by", owner.CreatedBy).With("@key", key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var ids = JsonSerializer.Deserialize<List<string>>(reader.GetString(1))
            ?? throw new InvalidDataException($"idempotency key '{key}' has no ids");
        return (reader.GetString(0), ids);
    }

    private static async Task InsertClaimAsync(
        SqlDatabase database, SqlSession session, Owner owner, IdempotencyClaim claim, IReadOnlyList<string> ids, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = session.Command(
            """
            INSERT INTO idempotency_keys (project, created_by, idempotency_key, request_hash, ids, created_at)
            VALUES (@project, @created_by, @key, @hash, @ids, @created_at)
            """);
        command.With("@project", owner.Project).With("@created_by", owner.CreatedBy).With("@key", claim.Key)
            .With("@hash", claim.RequestHash).With("@created_at", now.ToUnixTimeMilliseconds());
        database.AddJson(command, "@ids", JsonSerializer.Serialize(ids));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
