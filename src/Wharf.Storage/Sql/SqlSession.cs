using System.Data.Common;

namespace Wharf.Storage.Sql;

/// <summary>
/// One open connection, usually inside a transaction, and whatever lock was taken to get it (the SQLite write
/// gate). Disposing it rolls back an uncommitted transaction, gives the connection back and releases the lock.
/// </summary>
internal sealed class SqlSession : IAsyncDisposable
{
    private readonly SqlDatabase _database;
    private readonly IAsyncDisposable? _lock;

    public SqlSession(SqlDatabase database, DbConnection connection, IAsyncDisposable? heldLock)
    {
        _database = database;
        Connection = connection;
        _lock = heldLock;
    }

    public DbConnection Connection { get; }

    public DbTransaction? Transaction { get; private set; }

    /// <summary>Starts a transaction: a write transaction takes the engine's write lock at once.</summary>
    public async Task BeginAsync(bool write, CancellationToken cancellationToken)
    {
        if (Transaction is not null)
        {
            throw new InvalidOperationException("a transaction is already open on this session");
        }

        Transaction = await _database.BeginTransactionAsync(Connection, write, cancellationToken).ConfigureAwait(false);
    }

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        var transaction = Transaction ?? throw new InvalidOperationException("no transaction is open on this session");
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        await transaction.DisposeAsync().ConfigureAwait(false);
        Transaction = null;
    }

    public async Task RollbackAsync(CancellationToken cancellationToken)
    {
        if (Transaction is { } transaction)
        {
            Transaction = null;
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            await transaction.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A command on this connection, enlisted in the open transaction.</summary>
    public DbCommand Command(string sql)
    {
        var command = _database.CreateCommand(Connection, sql);
        command.Transaction = Transaction;
        return command;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (Transaction is { } transaction)
            {
                // Never committed: disposing the transaction rolls it back.
                Transaction = null;
                await transaction.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            try
            {
                // The lock goes before the connection: a PostgreSQL session lock is released through it.
                if (_lock is not null)
                {
                    await _lock.DisposeAsync().ConfigureAwait(false);
                }
            }
            finally
            {
                await _database.ReleaseConnectionAsync(Connection).ConfigureAwait(false);
            }
        }
    }
}
