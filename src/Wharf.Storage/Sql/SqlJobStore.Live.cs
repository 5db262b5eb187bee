using System.Runtime.CompilerServices;
using Wharf.Domain.Jobs;

namespace Wharf.Storage.Sql;

/// <summary>What the scheduler and the agents' side need: batches of compare-and-set saves, the live jobs, queue renumbering.</summary>
internal sealed partial class SqlJobStore
{
    /// <summary>How many jobs one read of <see cref="StreamLiveJobsAsync"/> takes.</summary>
    private const int StreamBatchSize = 2000;

    private static readonly string[] ActiveStates = [.. Enum.GetValues<JobState>().Where(s => s.IsActive()).Select(s => s.ToWire())];

    public async Task<IReadOnlyList<bool>> TrySaveEachAsync(IReadOnlyList<JobChange> changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        CheckVersions(changes);
        var saved = new bool[changes.Count];
        if (changes.Count == 0)
        {
            return saved;
        }

        var ordered = new List<(long Id, int Index)>(changes.Count);
        for (var i = 0; i < changes.Count; i++)
        {
            if (JobIds.TryParse(changes[i].After.Id, out var id))
            {
                ordered.Add((id, i));
            }
        }

        await using var session = await database.BeginWriteAsync(cancellationToken).ConfigureAwait(false);

        // In id order, as TrySaveAllAsync, so that concurrent batches on PostgreSQL lock rows in one order.
        foreach (var (id, index) in ordered.OrderBy(c => c.Id))
        {
            saved[index] = await SaveOneAsync(session, id, changes[index], cancellationToken).ConfigureAwait(false);
        }

        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
        return saved;
    }

    public async IAsyncEnumerable<Job> StreamLiveJobsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var state in ActiveStates)
        {
            await foreach (var job in StreamAsync("state = @state", state, cancellationToken).ConfigureAwait(false))
            {
                yield return job;
            }
        }

        // Jobs that ended or were suspended while a rank was still running: their agents must still be told to stop it.
        await foreach (var job in StreamAsync("on_nodes = 1", null, cancellationToken).ConfigureAwait(false))
        {
            if (!job.Status.State.IsActive())
            {
                yield return job;
            }
        }
    }

    public async Task<IReadOnlyList<QueuePosition>> RenumberQueueAsync(string queue, long spacing, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(spacing);
        await using var session = await database.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<(long Id, long Version)>();
        await using (var read = session.Command(""))
        {
            var final = read.InList("f", Enum.GetValues<JobState>().Where(s => s.IsFinal()).Select(s => s.ToWire()));
            read.CommandText = $"SELECT id, version FROM jobs WHERE queue = @queue AND state NOT IN {final} ORDER BY priority, id";
            read.With("@queue", queue);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add((reader.GetInt64(0), reader.GetInt64(1)));
            }
        }

        if (rows.Count > long.MaxValue / spacing - 1)
        {
            throw new ArgumentOutOfRangeException(nameof(spacing), $"{rows.Count} jobs do not fit in the position range with a spacing of {spacing}");
        }

        // The status document keeps its old priority: the column is what reads return (see JobRows), so it need not be rewritten.
        var positions = new List<QueuePosition>(rows.Count);
        await using (var update = session.Command("UPDATE jobs SET priority = @priority, version = @version WHERE id = @id"))
        {
            var priority = update.CreateParameter();
            priority.ParameterName = "@priority";
            var version = update.CreateParameter();
            version.ParameterName = "@version";
            var id = update.CreateParameter();
            id.ParameterName = "@id";
            update.Parameters.Add(priority);
            update.Parameters.Add(version);
            update.Parameters.Add(id);
            for (var i = 0; i < rows.Count; i++)
            {
                var position = (i + 1) * spacing;
                priority.Value = position;
                version.Value = rows[i].Version + 1;
                id.Value = rows[i].Id;
                await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                positions.Add(new QueuePosition(JobIds.Format(rows[i].Id), position, rows[i].Version + 1));
            }
        }

        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
        return positions;
    }

    private async IAsyncEnumerable<Job> StreamAsync(string condition, string? state, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var after = 0L;
        while (true)
        {
            List<(long Id, Job Job)> rows;
            await using (var session = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
            {
                await using var command = session.Command(
                    $"SELECT {JobRows.Columns} FROM jobs WHERE {condition} AND id > @after ORDER BY id LIMIT @limit");
                command.With("@after", after).With("@limit", StreamBatchSize);
                if (state is not null)
                {
                    command.With("@state", state);
                }

                rows = await JobRows.ReadAsync(command, cancellationToken).ConfigureAwait(false);
            }

            foreach (var (_, job) in rows)
            {
                yield return job;
            }

            if (rows.Count < StreamBatchSize)
            {
                yield break;
            }

            after = rows[^1].Id;
        }
    }
}
