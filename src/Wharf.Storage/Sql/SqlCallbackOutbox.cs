using System.Data.Common;
using Wharf.Domain.Jobs;

namespace Wharf.Storage.Sql;

/// <summary>The callback outbox in SQL; messages are inserted by job saves (<see cref="InsertAsync"/>), in their transaction.</summary>
internal sealed class SqlCallbackOutbox(SqlDatabase database) : ICallbackOutbox
{
    private const string Columns =
        "delivery_id, job_id, url, event, payload, created_at, attempts, next_attempt_at, delivered_at, last_status, last_error";

    /// <summary>Writes <paramref name="messages"/> inside <paramref name="session"/>'s transaction, due at once.</summary>
    public static async Task InsertAsync(SqlSession session, long jobId, IReadOnlyList<CallbackMessage> messages, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var message in messages)
        {
            await using var command = session.Command(
                $"""
                INSERT INTO callbacks (delivery_id, job_id, url, event, payload, created_at, attempts, next_attempt_at)
                VALUES (@delivery_id, @job_id, @url, @event, @payload, @created_at, 0, @created_at)
                """);
            command.With("@delivery_id", message.DeliveryId).With("@job_id", jobId).With("@url", message.Url)
                .With("@event", message.Event).With("@payload", message.Payload).With("@created_at", now.ToUnixTimeMilliseconds());
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<CallbackRecord>> ListDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var session = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = session.Command(
            $"SELECT {Columns} FROM callbacks WHERE delivered_at IS NULL AND next_attempt_at <= @now ORDER BY created_at, delivery_id LIMIT @limit");
        command.With("@now", now.ToUnixTimeMilliseconds()).With("@limit", limit);
        return await ReadAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken)
    {
        await using var session = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = session.Command("SELECT MIN(next_attempt_at) FROM callbacks WHERE delivered_at IS NULL");
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is null or DBNull ? null : SqlCommands.ToTime(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
    }

    public async Task<IReadOnlyList<CallbackRecord>> ListForJobAsync(string jobId, CancellationToken cancellationToken)
    {
        if (!JobIds.TryParse(jobId, out var id))
        {
            return [];
        }

        await using var session = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = session.Command($"SELECT {Columns} FROM callbacks WHERE job_id = @job_id ORDER BY created_at, delivery_id");
        command.With("@job_id", id);
        return await ReadAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task RecordAttemptAsync(
        string deliveryId, DateTimeOffset? deliveredAt, DateTimeOffset nextAttemptAt, int? status, string? error, CancellationToken cancellationToken)
    {
        await using var session = await database.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = session.Command(
            """
            UPDATE callbacks SET attempts = attempts + 1, delivered_at = @delivered_at, next_attempt_at = @next_attempt_at,
                last_status = @last_status, last_error = @last_error
            WHERE delivery_id = @delivery_id AND delivered_at IS NULL
            """))
        {
            command.With("@delivered_at", deliveredAt?.ToUnixTimeMilliseconds()).With("@next_attempt_at", nextAttemptAt.ToUnixTimeMilliseconds())
                .With("@last_status", status).With("@last_error", error).With("@delivery_id", deliveryId);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IReadOnlyList<CallbackRecord>> ReadAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var records = new List<CallbackRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            records.Add(new CallbackRecord(
                reader.GetString(0),
                JobIds.Format(reader.GetInt64(1)),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                SqlCommands.ToTime(reader.GetInt64(5)),
                (int)reader.GetInt64(6),
                SqlCommands.ToTime(reader.GetInt64(7)),
                reader.GetNullableInt64(8) is { } delivered ? SqlCommands.ToTime(delivered) : null,
                reader.GetNullableInt64(9) is { } status ? (int)status : null,
                reader.GetNullableString(10)));
        }

        return records;
    }
}
