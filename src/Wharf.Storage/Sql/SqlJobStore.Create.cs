using System.Data.Common;
using System.Text.Json;
using Wharf.Domain.Jobs;

namespace Wharf.Storage.Sql;

/// <summary>Bulk, idempotent, duplicate-aware job creation.</summary>
internal sealed partial class SqlJobStore
{
    /// <summary>The gap left between queue positions assigned at creation, so a job can later be moved between two.</summary>
    public const long PrioritySpacing = 1024;

    public async Task<CreateJobsResult> CreateJobsAsync(CreateJobsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            return await CreateOnceAsync(request, cancellationToken).ConfigureAwait(false);
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

    private async Task<CreateJobsResult> CreateOnceAsync(CreateJobsRequest request, CancellationToken cancellationToken)
    {
        var owner = request.Owner;
        var createdAt = DateTimeOffset.FromUnixTimeMilliseconds(request.Now.ToUnixTimeMilliseconds());

        await using var session = await database.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var queues = request.Jobs.Select(j => j.Status.Queue).Distinct(StringComparer.Ordinal).ToList();
        string[] lockNames = [$"owner\0{owner.Project}\0{owner.CreatedBy}", .. queues.Select(q => $"queue\0{q}")];
        await database.LockForJobCreationAsync(session, lockNames, cancellationToken).ConfigureAwait(false);

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
            // The queue lock taken above serialises creations per queue; a door's scope maps to its queue, so the
            // check cannot race another creation of the same key (and the primary key refuses it should it ever).
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

        var tails = await ReadQueueTailsAsync(session, queues, cancellationToken).ConfigureAwait(false);
        var ids = new List<long>(request.Jobs.Count);
        var priorities = new List<long>(request.Jobs.Count);
        // One prepared statement for every row: parsing the INSERT a thousand times was most of a bulk create's cost.
        await using var insert = await PrepareInsertAsync(session, owner, createdAt, cancellationToken).ConfigureAwait(false);
        foreach (var job in request.Jobs)
        {
            var queue = job.Status.Queue;
            var priority = job.Status.Priority != 0 ? job.Status.Priority : Behind(tails[queue]);
            tails[queue] = Math.Max(tails[queue], priority);
            priorities.Add(priority);
            var id = await InsertJobAsync(insert, job, job.Status with { Priority = priority }, cancellationToken).ConfigureAwait(false);
            ids.Add(id);
            if (job.Key is { } key)
            {
                await using var command = session.Command("INSERT INTO job_keys (scope, key, job_id) VALUES (@scope, @key, @job_id)");
                command.With("@scope", key.Scope).With("@key", key.Key).With("@job_id", id);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await JobRows.InsertFirstUpdatesAsync(session, ids, Job.Accepted(createdAt), cancellationToken).ConfigureAwait(false);
        var created = ids.Select(JobIds.Format).ToList();
        if (request.Idempotency is { } newClaim)
        {
            await InsertClaimAsync(session, owner, newClaim, created, createdAt, cancellationToken).ConfigureAwait(false);
        }

        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
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

    private async Task<CreateJobsResult.Duplicate?> FindDuplicateAsync(SqlSession session, CreateJobsRequest request, CancellationToken cancellationToken)
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

    /// <summary>The largest position key in each queue (0 for an empty queue): new jobs go behind it.</summary>
    private static async Task<Dictionary<string, long>> ReadQueueTailsAsync(SqlSession session, IReadOnlyList<string> queues, CancellationToken cancellationToken)
    {
        var tails = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var queue in queues)
        {
            await using var command = session.Command("SELECT MAX(priority) FROM jobs WHERE queue = @queue");
            command.With("@queue", queue);
            tails[queue] = await command.ScalarLongAsync(cancellationToken).ConfigureAwait(false);
        }

        return tails;
    }

    /// <summary>The INSERT of a job row, prepared once per request; <see cref="InsertJobAsync"/> binds each job's values.</summary>
    private async Task<DbCommand> PrepareInsertAsync(SqlSession session, Owner owner, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        var command = session.Command(
            """
            INSERT INTO jobs (project, created_by, state, app_name, app_version, queue, priority, fingerprint, created_at, version, spec, status)
            VALUES (@project, @created_by, @state, @app_name, @app_version, @queue, @priority, @fingerprint, @created_at, 0, @spec, @status)
            RETURNING id
            """);
        command.With("@project", owner.Project)
            .With("@created_by", owner.CreatedBy)
            .With("@state", "")
            .With("@app_name", "")
            .With("@app_version", "")
            .With("@queue", "")
            .With("@priority", 0L)
            .With("@fingerprint", "")
            .With("@created_at", createdAt.ToUnixTimeMilliseconds());
        database.AddJson(command, "@spec", "{}");
        database.AddJson(command, "@status", "{}");
        await command.PrepareAsync(cancellationToken).ConfigureAwait(false);
        return command;
    }

    private static async Task<long> InsertJobAsync(DbCommand insert, NewJob job, JobStatus status, CancellationToken cancellationToken)
    {
        Bind(insert, "@state", status.State.ToWire());
        Bind(insert, "@app_name", job.Specification.Application?.Name);
        Bind(insert, "@app_version", job.Specification.Application?.Version);
        Bind(insert, "@queue", status.Queue);
        Bind(insert, "@priority", status.Priority);
        Bind(insert, "@fingerprint", job.Fingerprint);
        Bind(insert, "@spec", JobRows.Serialize(job.Specification));
        Bind(insert, "@status", JobRows.Serialize(status));
        return await insert.ScalarLongAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void Bind(DbCommand command, string name, object? value) => command.Parameters[name].Value = value ?? DBNull.Value;

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

    private async Task InsertClaimAsync(
        SqlSession session, Owner owner, IdempotencyClaim claim, IReadOnlyList<string> ids, DateTimeOffset now, CancellationToken cancellationToken)
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
