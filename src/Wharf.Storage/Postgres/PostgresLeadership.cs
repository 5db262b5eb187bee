using System.Data;
using Npgsql;
using Wharf.Storage.Sql;

namespace Wharf.Storage.Postgres;

/// <summary>
/// The scheduler's role on PostgreSQL: a session advisory lock held on a connection kept open for it. The lock lives
/// exactly as long as the session, so a server that dies or loses its connection releases it, and another server's
/// next attempt takes it. The connection is probed every few seconds; when a probe fails the role is reported lost.
/// </summary>
internal sealed class PostgresLeadership : ILeadership
{
    private const int LeaderLockSpace = 0x57480003;
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(2);

    private readonly NpgsqlConnection _connection;
    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _probe;
    private int _disposed;

    private PostgresLeadership(NpgsqlConnection connection)
    {
        _connection = connection;
        _probe = Task.Run(ProbeAsync);
    }

    public CancellationToken Lost => _lost.Token;

    /// <summary>Takes the lock on a connection of its own, or returns null (and closes the connection) when another session holds it.</summary>
    public static async Task<ILeadership?> TryTakeAsync(string unpooledConnectionString, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(unpooledConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT pg_try_advisory_lock(@space, 0)";
            command.With("@space", LeaderLockSpace);
            if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true)
            {
                return new PostgresLeadership(connection);
            }
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        await connection.DisposeAsync().ConfigureAwait(false);
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await _probe.ConfigureAwait(false);
        try
        {
            if (_connection.State == ConnectionState.Open)
            {
                await using var command = _connection.CreateCommand();
                command.CommandText = "SELECT pg_advisory_unlock(@space, 0)";
                command.With("@space", LeaderLockSpace);
                await command.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
        }
        catch (NpgsqlException)
        {
            // The session is gone, and its lock with it.
        }

        await _connection.DisposeAsync().ConfigureAwait(false);
        _lost.Dispose();
        _stop.Dispose();
    }

    private async Task ProbeAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await Task.Delay(ProbeInterval, _stop.Token).ConfigureAwait(false);
                await using var command = _connection.CreateCommand();
                command.CommandText = "SELECT 1";
                command.CommandTimeout = 5;
                await command.ExecuteScalarAsync(_stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException or OperationCanceledException)
        {
            await _lost.CancelAsync().ConfigureAwait(false);
        }
    }
}
