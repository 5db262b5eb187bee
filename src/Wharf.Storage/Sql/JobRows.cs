using System.Data.Common;
using System.Text.Json;
using Wharf.Domain.Jobs;
using Wharf.Domain.Serialization;

namespace Wharf.Storage.Sql;

/// <summary>How a job maps to its row and its history rows, both ways.</summary>
internal static class JobRows
{
    /// <summary>The columns every job query selects, in the order <see cref="Read"/> expects.</summary>
    public const string Columns = "id, project, created_by, state, queue, priority, created_at, version, spec, status";

    private const int BatchSize = 500;

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, WharfJson.Options);

    /// <summary>Reads every row <paramref name="command"/> returns (without history).</summary>
    public static async Task<List<(long Id, Job Job)>> ReadAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<(long, Job)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(Read(reader));
        }

        return rows;
    }

    /// <summary>The jobs with their history, loaded for all of them at once.</summary>
    public static async Task<List<Job>> WithHistoryAsync(SqlSession session, IReadOnlyList<(long Id, Job Job)> rows, CancellationToken cancellationToken)
    {
        var history = new Dictionary<long, List<JobUpdate>>();
        foreach (var batch in rows.Select(r => r.Id).Chunk(BatchSize))
        {
            await using var command = session.Command("");
            command.CommandText =
                $"SELECT job_id, timestamp, state, status FROM job_updates WHERE job_id IN {command.InList("j", batch)} ORDER BY job_id, seq";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var jobId = reader.GetInt64(0);
                if (!history.TryGetValue(jobId, out var updates))
                {
                    history[jobId] = updates = [];
                }

                updates.Add(new JobUpdate(
                    SqlCommands.ToTime(reader.GetInt64(1)),
                    reader.GetNullableString(2) is { } state ? ParseState(state) : null,
                    reader.GetNullableString(3)));
            }
        }

        return [.. rows.Select(r => r.Job with { Updates = history.TryGetValue(r.Id, out var updates) ? updates : [] })];
    }

    /// <summary>Appends one history entry after the job's last one.</summary>
    public static async Task AppendUpdateAsync(SqlSession session, long jobId, JobUpdate update, CancellationToken cancellationToken)
    {
        await using var command = session.Command(
            """
            INSERT INTO job_updates (job_id, seq, timestamp, state, status)
            SELECT @job_id, COALESCE(MAX(seq) + 1, 0), @timestamp, @state, @status FROM job_updates WHERE job_id = @job_id
            """);
        command.With("@job_id", jobId)
            .With("@timestamp", update.Timestamp.ToUnixTimeMilliseconds())
            .With("@state", update.State?.ToWire())
            .With("@status", update.Status);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes the first history entry (seq 0) of each new job, in a few multi-row inserts.</summary>
    public static async Task InsertFirstUpdatesAsync(SqlSession session, IReadOnlyList<long> jobIds, JobUpdate update, CancellationToken cancellationToken)
    {
        foreach (var batch in jobIds.Chunk(BatchSize))
        {
            await using var command = session.Command("");
            var values = string.Join(", ", batch.Select((_, i) => $"(@j{i}, 0, @timestamp, @state, @status)"));
            for (var i = 0; i < batch.Length; i++)
            {
                command.With($"@j{i}", batch[i]);
            }

            command.With("@timestamp", update.Timestamp.ToUnixTimeMilliseconds())
                .With("@state", update.State?.ToWire())
                .With("@status", update.Status);
            command.CommandText = $"INSERT INTO job_updates (job_id, seq, timestamp, state, status) VALUES {values}";
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public static JobState ParseState(string text) =>
        JobStateFacts.TryParseWire(text, out var state) ? state : throw new InvalidDataException($"a stored job has the unknown state '{text}'");

    private static (long Id, Job Job) Read(DbDataReader reader)
    {
        var id = reader.GetInt64(0);
        var specification = JsonSerializer.Deserialize<JobSpecification>(reader.GetString(8), WharfJson.Options)
            ?? throw new InvalidDataException($"job {id} has no specification");
        var status = JsonSerializer.Deserialize<JobStatus>(reader.GetString(9), WharfJson.Options)
            ?? throw new InvalidDataException($"job {id} has no status");

        // The columns are written with the document in one statement; they are what queries filter on, so they win.
        status = status with { State = ParseState(reader.GetString(3)), Queue = reader.GetString(4), Priority = reader.GetInt64(5) };
        var job = new Job
        {
            Id = JobIds.Format(id),
            Owner = new Owner(CreatedBy: reader.GetString(2), Project: reader.GetString(1)),
            Specification = specification,
            Status = status,
            CreatedAt = SqlCommands.ToTime(reader.GetInt64(6)),
            Version = reader.GetInt64(7),
        };
        return (id, job);
    }
}
