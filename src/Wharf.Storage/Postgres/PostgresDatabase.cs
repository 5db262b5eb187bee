using System.Buffers.Binary;
using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using Wharf.Storage.Sql;

namespace Wharf.Storage.Postgres;

/// <summary>
/// PostgreSQL, shared by several Wharf servers. Writes run at READ COMMITTED and rely on row locks and
/// compare-and-set; job creation takes transaction-scoped advisory locks so that duplicate checks, idempotency
/// checks and queue positions see every committed creation before them. Reads that span several queries run at
/// REPEATABLE READ so that a job and its history come from one snapshot.
/// </summary>
internal sealed class PostgresDatabase : SqlDatabase
{
    // Advisory lock keys are (namespace, key) pairs; the namespaces keep Wharf's locks apart from each other and
    // from other users of the same database. The two-key space does not overlap the one-key (bigint) space.
    private const int JobCreationLockSpace = 0x57480001;
    private const int MigrationLockSpace = 0x57480002;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _unpooledConnectionString;
    private PostgresNotices? _notices;

    public PostgresDatabase(string connectionString, IReadOnlyList<SchemaMigration> migrations)
        : base(migrations)
    {
        // Building the data source does not connect; the first query does.
        _dataSource = NpgsqlDataSource.Create(connectionString);

        // The scheduler's lock lives with its session: that connection must close for real, never go back to a pool.
        _unpooledConnectionString = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;
    }

    public override string Engine => "postgres";

    public override string SchemaVersionTableExistsSql =>
        "SELECT COUNT(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = 'schema_version'";

    public override async Task<DbTransaction> BeginTransactionAsync(DbConnection connection, bool write, CancellationToken cancellationToken) =>
        await ((NpgsqlConnection)connection)
            .BeginTransactionAsync(write ? IsolationLevel.ReadCommitted : IsolationLevel.RepeatableRead, cancellationToken)
            .ConfigureAwait(false);

    public override int AppendJobCreationLocks(DbCommand command, StringBuilder sql, IReadOnlyCollection<string> lockNames)
    {
        // Taken in key order, so two creations that need overlapping locks can never wait on each other in a cycle.
        var keys = lockNames.Select(LockKey).Distinct().Order().ToArray();
        if (keys.Length > 0)
        {
            command.With("@lock_space", JobCreationLockSpace);
        }

        for (var i = 0; i < keys.Length; i++)
        {
            sql.Append(CultureInfo.InvariantCulture, $"SELECT pg_advisory_xact_lock(@lock_space, @lock{i});");
            command.With(string.Create(CultureInfo.InvariantCulture, $"@lock{i}"), keys[i]);
        }

        return keys.Length;
    }

    public override IStoreNotices Notices => _notices ??= new PostgresNotices(_dataSource, _unpooledConnectionString);

    public override Task<ILeadership?> TryLeadAsync(CancellationToken cancellationToken) =>
        PostgresLeadership.TryTakeAsync(_unpooledConnectionString, cancellationToken);

    public override void AddJson(DbCommand command, string name, string json) =>
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Json) { Value = json });

    public override bool IsUniqueViolation(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    protected override Task<IAsyncDisposable?> EnterWriteAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IAsyncDisposable?>(null);

    protected override async Task<IAsyncDisposable> EnterMigrationAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        // Session-level: held across the migrator's transactions, so servers starting together migrate one at a time.
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT pg_advisory_lock(@space, 0)";
        command.With("@space", MigrationLockSpace);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return new MigrationLock(connection);
    }

    private static int LockKey(string name) =>
        BinaryPrimitives.ReadInt32BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(name)));

    /// <summary>Releases the migration lock before the connection goes back to the pool.</summary>
    private sealed class MigrationLock(DbConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            if (connection.State != ConnectionState.Open)
            {
                return; // A broken connection's session, and its lock, are gone with it.
            }

            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT pg_advisory_unlock(@space, 0)";
            command.With("@space", MigrationLockSpace);
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
    }
}
