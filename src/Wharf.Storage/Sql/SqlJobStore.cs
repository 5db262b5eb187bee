using Wharf.Domain.Jobs;

namespace Wharf.Storage.Sql;

/// <summary>Jobs in SQL: reads and compare-and-set saves here; creation and browsing in the other parts.</summary>
internal sealed partial class SqlJobStore(SqlDatabase database) : IJobStore
{
    private const int BatchSize = 500;

    public async Task<Job?> GetJobAsync(string id, CancellationToken cancellationToken)
    {
        var jobs = await GetJobsAsync([id], cancellationToken).ConfigureAwait(false);
        return jobs.Count == 0 ? null : jobs[0];
    }

    public async Task<IReadOnlyList<Job>> GetJobsAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var wanted = new List<long>();
        foreach (var text in ids)
        {
            if (JobIds.TryParse(text, out var id) && !wanted.Contains(id))
            {
                wanted.Add(id);
            }
        }

        if (wanted.Count == 0)
        {
            return [];
        }

        await using var session = await database.BeginReadAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<(long Id, Job Job)>();
        foreach (var batch in wanted.Chunk(BatchSize))
        {
            await using var command = session.Command("");
            command.CommandText = $"SELECT {JobRows.Columns} FROM jobs WHERE id IN {command.InList("id", batch)}";
            rows.AddRange(await JobRows.ReadAsync(command, cancellationToken).ConfigureAwait(false));
        }

        // In the order asked for.
        var found = rows.ToDictionary(r => r.Id);
        var ordered = wanted.Where(found.ContainsKey).Select(id => found[id]).ToList();
        return await JobRows.WithHistoryAsync(session, ordered, cancellationToken).ConfigureAwait(false);
    }

    public Task<bool> TrySaveAsync(JobChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        return TrySaveAllAsync([change], cancellationToken);
    }

    public async Task<bool> TrySaveAllAsync(IReadOnlyList<JobChange> changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        CheckVersions(changes);
        if (changes.Count == 0)
        {
            return true;
        }

        var ordered = new List<(long Id, JobChange Change)>(changes.Count);
        foreach (var change in changes)
        {
            if (!JobIds.TryParse(change.After.Id, out var id))
            {
                return false; // No such job, so its compare-and-set cannot hold.
            }

            ordered.Add((id, change));
        }

        await using var session = await database.BeginWriteAsync(cancellationToken).ConfigureAwait(false);

        // Rows are locked in id order (a stable sort keeps two changes to one job in the caller's order), so two
        // bulk saves over the same jobs on PostgreSQL queue behind each other instead of deadlocking.
        foreach (var (id, change) in ordered.OrderBy(c => c.Id))
        {
            if (!await SaveOneAsync(session, id, change, cancellationToken).ConfigureAwait(false))
            {
                return false; // Disposing the session rolls back whatever was saved before.
            }
        }

        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static void CheckVersions(IReadOnlyList<JobChange> changes)
    {
        foreach (var change in changes)
        {
            if (change.After.Version <= change.ExpectedVersion)
            {
                throw new ArgumentException(
                    $"the change to job {change.After.Id} keeps version {change.ExpectedVersion}; a saved change must advance it", nameof(changes));
            }
        }
    }

    public async Task<string?> FindJobByKeyAsync(JobKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var session = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var id = await FindKeyAsync(session, key, cancellationToken).ConfigureAwait(false);
        return id is { } found ? JobIds.Format(found) : null;
    }

    private static async Task<long?> FindKeyAsync(SqlSession session, JobKey key, CancellationToken cancellationToken)
    {
        await using var command = session.Command("SELECT job_id FROM job_keys WHERE scope = @scope AND key = @key");
        command.With("@scope", key.Scope).With("@key", key.Key);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is null or DBNull ? null : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>True when some rank of the job was placed and has not exited: its processes may still be on a node.</summary>
    private static bool HasRanksOnNodes(JobStatus status) => status.Ranks?.Any(r => r.State != RankState.Exited) == true;

    private async Task<bool> SaveOneAsync(SqlSession session, long id, JobChange change, CancellationToken cancellationToken)
    {
        var status = change.After.Status;
        await using (var command = session.Command(
            """
            UPDATE jobs SET state = @state, queue = @queue, priority = @priority, version = @version, status = @status, on_nodes = @on_nodes
            WHERE id = @id AND state = @expected_state AND version = @expected_version
            """))
        {
            command.With("@state", status.State.ToWire())
                .With("@on_nodes", HasRanksOnNodes(status) ? 1 : 0)
                .With("@queue", status.Queue)
                .With("@priority", status.Priority)
                .With("@version", change.After.Version)
                .With("@id", id)
                .With("@expected_state", change.ExpectedState.ToWire())
                .With("@expected_version", change.ExpectedVersion);
            database.AddJson(command, "@status", JobRows.Serialize(status));
            if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
            {
                return false;
            }
        }

        await JobRows.AppendUpdateAsync(session, id, change.Update, cancellationToken).ConfigureAwait(false);
        if (change.Callbacks.Count > 0)
        {
            await SqlCallbackOutbox.InsertAsync(session, id, change.Callbacks, change.Update.Timestamp, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }
}
