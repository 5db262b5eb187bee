using System.Data.Common;
using Wharf.Domain.Jobs;

namespace Wharf.Storage.Sql;

/// <summary>
/// One write transaction of the <see cref="CreationQueue"/> and what its creations share: the queue tails read so
/// far and, on SQLite, the prepared job INSERT. Inserts job rows and their first history entries: on SQLite one
/// prepared statement bound per row (in process, so a statement per row costs no round trip); on PostgreSQL the ids
/// are reserved first and all rows go in one statement over arrays, two round trips whatever the count.
/// </summary>
internal sealed class CreationBatch(SqlDatabase database, SqlSession session) : IAsyncDisposable
{
    private readonly bool _arrays = database.Engine == "postgres";
    private Dictionary<string, long> _tails = new(StringComparer.Ordinal);
    private Dictionary<string, long>? _marked;
    private DbCommand? _insert;

    public SqlDatabase Database => database;

    public SqlSession Session => session;

    /// <summary>The largest position key in <paramref name="queue"/> (0 when empty), counting this batch's rows.</summary>
    public async Task<long> TailAsync(string queue, CancellationToken cancellationToken)
    {
        if (!_tails.TryGetValue(queue, out var tail))
        {
            await using var command = session.Command("SELECT MAX(priority) FROM jobs WHERE queue = @queue");
            command.With("@queue", queue);
            tail = _tails[queue] = await command.ScalarLongAsync(cancellationToken).ConfigureAwait(false);
        }

        return tail;
    }

    public void SetTail(string queue, long tail) => _tails[queue] = tail;

    /// <summary>Remembers the tails before a creation that may be rolled back to its savepoint.</summary>
    public void Mark() => _marked = new Dictionary<string, long>(_tails, StringComparer.Ordinal);

    /// <summary>Forgets what the rolled-back creation did to the tails.</summary>
    public void Restore() => _tails = _marked ?? _tails;

    /// <summary>
    /// Inserts <paramref name="rows"/> in order and their first history entries; returns their ids, increasing. An
    /// item that names an earlier one as <c>#n</c> gets that item's id bound before it is written.
    /// </summary>
    public async Task<List<long>> InsertJobsAsync(
        Owner owner, DateTimeOffset createdAt, IReadOnlyList<(NewJob Job, JobStatus Status)> rows, CancellationToken cancellationToken)
    {
        List<long> ids;
        if (_arrays)
        {
            ids = await ReserveIdsAsync(rows.Count, cancellationToken).ConfigureAwait(false);
            await InsertArraysAsync(owner, createdAt, rows, ids, cancellationToken).ConfigureAwait(false);
            return ids;
        }

        _insert ??= await PrepareInsertAsync(cancellationToken).ConfigureAwait(false);
        ids = new List<long>(rows.Count);
        var created = new List<string>(rows.Count);
        foreach (var (job, status) in rows)
        {
            Bind("@project", owner.Project);
            Bind("@created_by", owner.CreatedBy);
            Bind("@created_at", createdAt.ToUnixTimeMilliseconds());
            Bind("@state", status.State.ToWire());
            Bind("@app_name", job.Specification.Application?.Name);
            Bind("@app_version", job.Specification.Application?.Version);
            Bind("@queue", status.Queue);
            Bind("@priority", status.Priority);
            Bind("@fingerprint", job.Fingerprint);
            Bind("@spec", JobRows.Serialize(Specification(job, created)));
            Bind("@status", JobRows.Serialize(status));
            await _insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            var id = database.LastInsertedRowId(session.Connection);
            ids.Add(id);
            created.Add(JobIds.Format(id));
        }

        await JobRows.InsertFirstUpdatesAsync(session, ids, Domain.Jobs.Job.Accepted(createdAt), cancellationToken).ConfigureAwait(false);
        return ids;
    }

    public async ValueTask DisposeAsync()
    {
        if (_insert is not null)
        {
            await _insert.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A group's member names its siblings as "#n"; they come first, so their ids are known by then.</summary>
    private static JobSpecification Specification(NewJob job, IReadOnlyList<string> earlier) =>
        ItemReferences.Any(job.Specification) ? ItemReferences.Bind(job.Specification, earlier) : job.Specification;

    private void Bind(string name, object? value) => _insert!.Parameters[name].Value = value ?? DBNull.Value;

    /// <summary>
    /// The INSERT of a job row, prepared once per batch (parsing it for every row was most of a bulk create's cost).
    /// No <c>RETURNING</c>: SQLite runs it as a trigger, which makes every row's statement keep a journal of each page
    /// it touches (the table's and its six indexes'), to undo a half-done statement; the id is read from the
    /// connection instead.
    /// </summary>
    private async Task<DbCommand> PrepareInsertAsync(CancellationToken cancellationToken)
    {
        var command = session.Command(
            """
            INSERT INTO jobs (project, created_by, state, app_name, app_version, queue, priority, fingerprint, created_at, version, spec, status)
            VALUES (@project, @created_by, @state, @app_name, @app_version, @queue, @priority, @fingerprint, @created_at, 0, @spec, @status)
            """);
        foreach (var name in (string[])["@project", "@created_by", "@state", "@app_name", "@app_version", "@queue", "@fingerprint"])
        {
            command.With(name, "");
        }

        command.With("@priority", 0L).With("@created_at", 0L);
        database.AddJson(command, "@spec", "{}");
        database.AddJson(command, "@status", "{}");
        await command.PrepareAsync(cancellationToken).ConfigureAwait(false);
        return command;
    }

    /// <summary>Takes <paramref name="count"/> ids from the jobs' identity sequence in one query; sorted, so they increase in request order.</summary>
    private async Task<List<long>> ReserveIdsAsync(int count, CancellationToken cancellationToken)
    {
        await using var command = session.Command("SELECT nextval(pg_get_serial_sequence('jobs', 'id')) FROM generate_series(1, @count)");
        command.With("@count", count);
        var ids = new List<long>(count);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                ids.Add(reader.GetInt64(0));
            }
        }

        ids.Sort();
        return ids;
    }

    /// <summary>All rows and their first history entries in one round trip: each column is bound as one array.</summary>
    private async Task InsertArraysAsync(
        Owner owner, DateTimeOffset createdAt, IReadOnlyList<(NewJob Job, JobStatus Status)> rows, List<long> ids, CancellationToken cancellationToken)
    {
        var formatted = ids.ConvertAll(JobIds.Format);
        var specs = new string[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            var job = rows[i].Job;
            specs[i] = JobRows.Serialize(ItemReferences.Any(job.Specification) ? Specification(job, formatted.GetRange(0, i)) : job.Specification);
        }

        var accepted = Domain.Jobs.Job.Accepted(createdAt);
        await using var command = session.Command(
            """
            INSERT INTO jobs (id, project, created_by, state, app_name, app_version, queue, priority, fingerprint, created_at, version, spec, status)
            SELECT r.id, @project, @created_by, r.state, r.app_name, r.app_version, r.queue, r.priority, r.fingerprint, @created_at, 0, r.spec::json, r.status::json
            FROM unnest(@ids::bigint[], @states::text[], @app_names::text[], @app_versions::text[], @queues::text[], @priorities::bigint[],
                        @fingerprints::text[], @specs::text[], @statuses::text[])
                AS r(id, state, app_name, app_version, queue, priority, fingerprint, spec, status);
            INSERT INTO job_updates (job_id, seq, timestamp, state, status)
            SELECT u.id, 0, @timestamp, @update_state, @update_status FROM unnest(@ids::bigint[]) AS u(id)
            """);
        command.With("@project", owner.Project).With("@created_by", owner.CreatedBy).With("@created_at", createdAt.ToUnixTimeMilliseconds())
            .With("@ids", ids.ToArray())
            .With("@states", rows.Select(r => r.Status.State.ToWire()).ToArray())
            .With("@app_names", rows.Select(r => r.Job.Specification.Application?.Name).ToArray())
            .With("@app_versions", rows.Select(r => r.Job.Specification.Application?.Version).ToArray())
            .With("@queues", rows.Select(r => r.Status.Queue).ToArray())
            .With("@priorities", rows.Select(r => r.Status.Priority).ToArray())
            .With("@fingerprints", rows.Select(r => r.Job.Fingerprint).ToArray())
            .With("@specs", specs)
            .With("@statuses", rows.Select(r => JobRows.Serialize(r.Status)).ToArray())
            .With("@timestamp", accepted.Timestamp.ToUnixTimeMilliseconds())
            .With("@update_state", accepted.State?.ToWire())
            .With("@update_status", accepted.Status);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
