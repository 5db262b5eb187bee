using System.Data.Common;
using System.Text;

namespace Wharf.Storage.Sql;

/// <summary>
/// What differs between the engines, behind one small surface: how connections open, how transactions begin and
/// lock, how JSON is bound and how a unique violation looks. Everything else (the SQL of the stores) is shared.
/// </summary>
internal abstract class SqlDatabase : IAsyncDisposable
{
    protected SqlDatabase(IReadOnlyList<SchemaMigration> migrations)
    {
        ArgumentNullException.ThrowIfNull(migrations);
        Migrations = migrations;
    }

    /// <summary><c>sqlite</c> or <c>postgres</c>.</summary>
    public abstract string Engine { get; }

    /// <summary>The schema steps, version 1 first.</summary>
    public IReadOnlyList<SchemaMigration> Migrations { get; }

    /// <summary>The version the migrations end at.</summary>
    public int LatestVersion => Migrations.Count == 0 ? 0 : Migrations[^1].Version;

    /// <summary>A query with one bigint column: greater than 0 when the <c>schema_version</c> table exists.</summary>
    public abstract string SchemaVersionTableExistsSql { get; }

    /// <summary>A session inside a write transaction: the only kind that may change rows.</summary>
    public async Task<SqlSession> BeginWriteAsync(CancellationToken cancellationToken)
    {
        var session = await OpenSessionAsync(await EnterWriteAsync(cancellationToken).ConfigureAwait(false), cancellationToken)
            .ConfigureAwait(false);
        return await BeginOrDisposeAsync(session, write: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A session inside a read transaction, so that several queries see one snapshot.</summary>
    public async Task<SqlSession> BeginReadAsync(CancellationToken cancellationToken)
    {
        var session = await OpenSessionAsync(null, cancellationToken).ConfigureAwait(false);
        return await BeginOrDisposeAsync(session, write: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A session with no transaction, for a single statement that reads.</summary>
    public Task<SqlSession> OpenAsync(CancellationToken cancellationToken) => OpenSessionAsync(null, cancellationToken);

    /// <summary>A session holding the migration lock; the migrator opens one write transaction per step on it.</summary>
    public async Task<SqlSession> OpenForMigrationAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var held = await EnterMigrationAsync(connection, cancellationToken).ConfigureAwait(false);
            return new SqlSession(this, connection, held);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Begins a transaction on <paramref name="connection"/>; a write transaction takes the write lock at once.</summary>
    public abstract Task<DbTransaction> BeginTransactionAsync(DbConnection connection, bool write, CancellationToken cancellationToken);

    /// <summary>
    /// Appends to <paramref name="command"/> (its text in <paramref name="sql"/>) the statements that, run inside a
    /// write transaction, serialize job creation with every other creation that names one of
    /// <paramref name="lockNames"/> (an owner, a queue) until the transaction ends; returns how many result sets they
    /// give. Engines whose write transaction already excludes every other writer append nothing.
    /// </summary>
    public abstract int AppendJobCreationLocks(DbCommand command, StringBuilder sql, IReadOnlyCollection<string> lockNames);

    /// <summary>Notices between the servers sharing this database.</summary>
    public abstract IStoreNotices Notices { get; }

    /// <summary>Tries to take the scheduler's role for the deployment; null when another server holds it.</summary>
    public abstract Task<ILeadership?> TryLeadAsync(CancellationToken cancellationToken);

    /// <summary>Binds a JSON document to <paramref name="name"/>.</summary>
    public abstract void AddJson(DbCommand command, string name, string json);

    /// <summary>The row id the last INSERT on <paramref name="connection"/> gave its row (engines whose inserts report it without a result set).</summary>
    public virtual long LastInsertedRowId(DbConnection connection) =>
        throw new NotSupportedException($"{Engine} takes ids from its sequence before inserting, not after");

    /// <summary>True when <paramref name="exception"/> is a primary-key or unique-constraint violation.</summary>
    public abstract bool IsUniqueViolation(DbException exception);

    /// <summary>A command for <paramref name="sql"/> on <paramref name="connection"/>; an engine may hand out one it prepared before.</summary>
    public virtual DbCommand CreateCommand(DbConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    /// <summary>Takes back a session's connection once its transaction ended; an engine may keep it open for the next session.</summary>
    public virtual ValueTask ReleaseConnectionAsync(DbConnection connection) => connection.DisposeAsync();

    public abstract ValueTask DisposeAsync();

    /// <summary>Opens a connection with the engine's session settings applied.</summary>
    protected abstract Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>Takes the in-process write lock, if the engine needs one (null when it does not).</summary>
    protected abstract Task<IAsyncDisposable?> EnterWriteAsync(CancellationToken cancellationToken);

    /// <summary>Takes the lock that keeps two migrators (threads, processes or servers) from running at once.</summary>
    protected abstract Task<IAsyncDisposable> EnterMigrationAsync(DbConnection connection, CancellationToken cancellationToken);

    private async Task<SqlSession> OpenSessionAsync(IAsyncDisposable? held, CancellationToken cancellationToken)
    {
        try
        {
            var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            return new SqlSession(this, connection, held);
        }
        catch
        {
            if (held is not null)
            {
                await held.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    private static async Task<SqlSession> BeginOrDisposeAsync(SqlSession session, bool write, CancellationToken cancellationToken)
    {
        try
        {
            await session.BeginAsync(write, cancellationToken).ConfigureAwait(false);
            return session;
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
