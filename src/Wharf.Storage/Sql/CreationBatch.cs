using System.Data.Common;
using System.Text;
using Wharf.Domain.Jobs;

namespace Wharf.Storage.Sql;

/// <summary>
/// One write transaction of the <see cref="CreationQueue"/> and what its creations share: the queue tails read so
/// far and, on SQLite, the prepared job INSERT. Inserts job rows and their first history entries: on SQLite one
/// prepared statement bound per row (in process, so a statement per row costs no round trip). On PostgreSQL, where
/// every statement is a round trip, <see cref="OpenAsync"/> takes the locks, reads the queues' tails and reserves the
/// ids for the whole batch at once, and the rows of all its creations wait in memory until <see cref="FlushAsync"/>
/// writes them in one statement over arrays: a batch of single submits costs the same three round trips as one.
/// Whatever reads or refers to job rows must flush first.
/// </summary>
internal sealed class CreationBatch(SqlDatabase database, SqlSession session, int jobs) : IAsyncDisposable
{
    private readonly bool _arrays = database.Engine == "postgres";
    private readonly Queue<long> _reserved = new();
    private List<PendingRow> _pending = [];
    private int _toReserve = jobs;
    private Dictionary<string, long> _tails = new(StringComparer.Ordinal);
    private Dictionary<string, long>? _marked;
    private DbCommand? _insert;

    public SqlDatabase Database => database;

    public SqlSession Session => session;

    /// <summary>
    /// Takes the creation locks for <paramref name="lockNames"/>. On PostgreSQL the same round trip then reads the
    /// tails of <paramref name="queues"/> (after the locks, so no other creation can move them) and reserves the ids
    /// for the batch's jobs: a batch costs three round trips (this, its rows, its commit) however many creations it has.
    /// </summary>
    public async Task OpenAsync(IReadOnlyCollection<string> lockNames, IReadOnlyList<string> queues, CancellationToken cancellationToken)
    {
        await using var command = session.Command("");
        var sql = new StringBuilder();
        var locks = database.AppendJobCreationLocks(command, sql, lockNames);
        if (_arrays)
        {
            // One scalar subquery per queue, so each is answered from the (queue, priority) index's end.
            sql.Append("SELECT q, (SELECT MAX(priority) FROM jobs WHERE queue = q) FROM unnest(@tail_queues::text[]) AS q;");
            sql.Append("SELECT nextval(pg_get_serial_sequence('jobs', 'id')) FROM generate_series(1, @id_count);");
            command.With("@tail_queues", queues.ToArray()).With("@id_count", _toReserve);
        }

        if (sql.Length == 0)
        {
            return;
        }

        command.CommandText = sql.ToString();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < locks; i++)
        {
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        }

        if (!_arrays)
        {
            return;
        }

        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            _tails[reader.GetString(0)] = await reader.IsDBNullAsync(1, cancellationToken).ConfigureAwait(false) ? 0 : reader.GetInt64(1);
        }

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var ids = new List<long>(_toReserve);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ids.Add(reader.GetInt64(0));
        }

        ids.Sort();
        ids.ForEach(_reserved.Enqueue);
        _toReserve = 0;
    }

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

    /// <summary>Forgets what the rolled-back creation did to the tails, and its rows not yet written.</summary>
    public void Restore()
    {
        _tails = _marked ?? _tails;
        _pending = [];
    }

    /// <summary>
    /// Inserts <paramref name="rows"/> in order and their first history entries (on PostgreSQL: keeps them for
    /// <see cref="FlushAsync"/>); returns their ids, increasing. An item that names an earlier one as <c>#n</c> gets that
    /// item's id bound before it is written.
    /// </summary>
    public async Task<List<long>> InsertJobsAsync(
        Owner owner, DateTimeOffset createdAt, IReadOnlyList<(NewJob Job, JobStatus Status)> rows, CancellationToken cancellationToken)
    {
        List<long> ids;
        if (_arrays)
        {
            ids = await TakeIdsAsync(rows.Count, cancellationToken).ConfigureAwait(false);
            var formatted = ids.ConvertAll(JobIds.Format);
            for (var i = 0; i < rows.Count; i++)
            {
                var (job, status) = rows[i];
                var specification = ItemReferences.Any(job.Specification) ? Specification(job, formatted.GetRange(0, i)) : job.Specification;
                _pending.Add(new PendingRow(
                    ids[i], owner.Project, owner.CreatedBy, status.State.ToWire(), job.Specification.Application?.Name, job.Specification.Application?.Version,
                    status.Queue, status.Priority, job.Fingerprint, createdAt.ToUnixTimeMilliseconds(), JobRows.Serialize(specification), JobRows.Serialize(status)));
            }

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

    /// <summary>
    /// Ids for <paramref name="count"/> rows, increasing: from those reserved for the batch, which the first call
    /// reserves for all its jobs (a creation refused later leaves a gap, as a rolled-back insert does).
    /// </summary>
    private async Task<List<long>> TakeIdsAsync(int count, CancellationToken cancellationToken)
    {
        if (_reserved.Count < count)
        {
            await using var command = session.Command("SELECT nextval(pg_get_serial_sequence('jobs', 'id')) FROM generate_series(1, @count)");
            command.With("@count", Math.Max(count - _reserved.Count, _toReserve));
            _toReserve = 0;
            var fresh = new List<long>();
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    fresh.Add(reader.GetInt64(0));
                }
            }

            fresh.Sort();
            fresh.ForEach(_reserved.Enqueue);
        }

        var ids = new List<long>(count);
        for (var i = 0; i < count; i++)
        {
            ids.Add(_reserved.Dequeue());
        }

        return ids;
    }

    /// <summary>
    /// Writes the rows that wait (PostgreSQL) and their first history entries in one round trip, each column bound as
    /// one array. They are forgotten first: after a failure they belong to the rolled-back work.
    /// </summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_pending.Count == 0)
        {
            return;
        }

        var rows = _pending;
        _pending = [];
        await using var command = session.Command(
            """
            INSERT INTO jobs (id, project, created_by, state, app_name, app_version, queue, priority, fingerprint, created_at, version, spec, status)
            SELECT r.id, r.project, r.created_by, r.state, r.app_name, r.app_version, r.queue, r.priority, r.fingerprint, r.created_at, 0, r.spec::json, r.status::json
            FROM unnest(@ids::bigint[], @projects::text[], @created_bys::text[], @states::text[], @app_names::text[], @app_versions::text[],
                        @queues::text[], @priorities::bigint[], @fingerprints::text[], @created_ats::bigint[], @specs::text[], @statuses::text[])
                AS r(id, project, created_by, state, app_name, app_version, queue, priority, fingerprint, created_at, spec, status);
            INSERT INTO job_updates (job_id, seq, timestamp, state, status)
            SELECT u.id, 0, u.timestamp, @update_state, @update_status FROM unnest(@ids::bigint[], @created_ats::bigint[]) AS u(id, timestamp)
            """);
        var accepted = Domain.Jobs.Job.Accepted(default);
        command.With("@ids", rows.ConvertAll(r => r.Id).ToArray())
            .With("@projects", rows.ConvertAll(r => r.Project).ToArray())
            .With("@created_bys", rows.ConvertAll(r => r.CreatedBy).ToArray())
            .With("@states", rows.ConvertAll(r => r.State).ToArray())
            .With("@app_names", rows.ConvertAll(r => r.AppName).ToArray())
            .With("@app_versions", rows.ConvertAll(r => r.AppVersion).ToArray())
            .With("@queues", rows.ConvertAll(r => r.Queue).ToArray())
            .With("@priorities", rows.ConvertAll(r => r.Priority).ToArray())
            .With("@fingerprints", rows.ConvertAll(r => r.Fingerprint).ToArray())
            .With("@created_ats", rows.ConvertAll(r => r.CreatedAt).ToArray())
            .With("@specs", rows.ConvertAll(r => r.Spec).ToArray())
            .With("@statuses", rows.ConvertAll(r => r.Status).ToArray())
            .With("@update_state", accepted.State?.ToWire())
            .With("@update_status", accepted.Status);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A job row waiting to be written; its first history entry is at its creation time.</summary>
    private readonly record struct PendingRow(
        long Id, string Project, string CreatedBy, string State, string? AppName, string? AppVersion, string Queue, long Priority,
        string Fingerprint, long CreatedAt, string Spec, string Status);
}
