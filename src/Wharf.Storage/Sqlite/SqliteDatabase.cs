using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using Wharf.Storage.Sql;

namespace Wharf.Storage.Sqlite;

/// <summary>
/// SQLite in WAL mode: readers never wait for the writer, and there is one writer at a time. Writes are queued on
/// an in-process gate (one per database file) before <c>BEGIN IMMEDIATE</c>, so concurrent API requests wait their
/// turn instead of failing with SQLITE_BUSY; the busy timeout covers writers in other processes.
/// </summary>
internal sealed class SqliteDatabase : SqlDatabase
{
    // One gate per file for the whole process: two stores opened on the same file must not race each other into
    // SQLITE_BUSY either. Gates are never removed; that is one small object per file ever opened.
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> WriteGates = new(StringComparer.Ordinal);

    private const int BusyTimeoutMilliseconds = 10_000;

    // Idle connections kept open, each with its prepared statements (see StatementCachingConnection); more than this
    // many idle at once are closed. The API's concurrency is what needs them: 16 clients keep about as many busy.
    private const int MaxIdleConnections = 32;

    private readonly string _path;
    private readonly string _connectionString;
    private readonly Lock _idleGate = new();
    private readonly Stack<StatementCachingConnection> _idle = new();
    private readonly SemaphoreSlim _writeGate;
    private volatile bool _fileReady;
    private bool _disposed;

    public SqliteDatabase(string databasePath, IReadOnlyList<SchemaMigration> migrations, int checkpointFrames = WalCheckpointer.DefaultThresholdFrames)
        : base(migrations)
    {
        _path = Path.GetFullPath(databasePath);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = false, // this class keeps its connections, with their statements
            DefaultTimeout = BusyTimeoutMilliseconds / 1000,
        }.ToString();
        _writeGate = WriteGates.GetOrAdd(_path, _ => new SemaphoreSlim(1, 1));
        Checkpoints = new WalCheckpointer(OpenConnectionAsync, ReleaseConnectionAsync, EnterWriteAsync, checkpointFrames);
    }

    /// <summary>Checkpoints the write-ahead log beside the writers rather than inside a commit.</summary>
    internal WalCheckpointer Checkpoints { get; }

    public override string Engine => "sqlite";

    public override string SchemaVersionTableExistsSql =>
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'";

    public override Task<DbTransaction> BeginTransactionAsync(DbConnection connection, bool write, CancellationToken cancellationToken)
    {
        // deferred: false issues BEGIN IMMEDIATE: the write lock is taken now, not half-way through the transaction,
        // where a lost race could only end in SQLITE_BUSY. Reads stay deferred and see one WAL snapshot.
        var transaction = ((SqliteConnection)connection).BeginTransaction(deferred: !write);
        return Task.FromResult<DbTransaction>(transaction);
    }

    public override int AppendJobCreationLocks(DbCommand command, StringBuilder sql, IReadOnlyCollection<string> lockNames) =>
        0; // BEGIN IMMEDIATE already made this the only writer of the file.

    /// <summary>One server owns a SQLite file: there is nobody to tell.</summary>
    public override IStoreNotices Notices { get; } = new UnsharedNotices();

    /// <summary>One server owns a SQLite file, so it always leads; the role is never lost.</summary>
    public override Task<ILeadership?> TryLeadAsync(CancellationToken cancellationToken) =>
        Task.FromResult<ILeadership?>(new FileLeadership());

    public override void AddJson(DbCommand command, string name, string json) => command.With(name, json);

    public override long LastInsertedRowId(DbConnection connection) =>
        raw.sqlite3_last_insert_rowid(((SqliteConnection)connection).Handle);

    public override bool IsUniqueViolation(DbException exception) =>
        exception is SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 1555 or 2067 };

    public override async ValueTask DisposeAsync()
    {
        await Checkpoints.DisposeAsync().ConfigureAwait(false);
        StatementCachingConnection[] idle;
        lock (_idleGate)
        {
            _disposed = true;
            idle = [.. _idle];
            _idle.Clear();
        }

        foreach (var connection in idle)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    public override DbCommand CreateCommand(DbConnection connection, string sql) =>
        connection is StatementCachingConnection caching ? caching.Command(sql) : base.CreateCommand(connection, sql);

    public override ValueTask ReleaseConnectionAsync(DbConnection connection)
    {
        if (connection is StatementCachingConnection { Settled: true } caching)
        {
            lock (_idleGate)
            {
                if (!_disposed && _idle.Count < MaxIdleConnections)
                {
                    _idle.Push(caching);
                    return ValueTask.CompletedTask;
                }
            }
        }

        return connection.DisposeAsync();
    }

    protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        lock (_idleGate)
        {
            if (_idle.TryPop(out var idle))
            {
                return idle;
            }
        }

        return await NewConnectionAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A connection of its own, with the per-connection settings made.</summary>
    private async Task<DbConnection> NewConnectionAsync(CancellationToken cancellationToken)
    {
        if (!_fileReady)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        }

        var connection = new StatementCachingConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            connection.Handle!.enable_sqlite3_next_stmt(true); // before its first statement: see StatementCachingConnection.Settled
            await using (var command = connection.CreateCommand())
            {
                // journal_size_limit: see WalCheckpointer.LogFileLimitBytes (without it the log's file keeps its largest size).
                command.CommandText =
                    $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds}; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; " +
                    $"PRAGMA journal_size_limit = {Checkpoints.LogFileLimitBytes};";
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            if (!_fileReady)
            {
                await UseWriteAheadLogAsync(connection, cancellationToken).ConfigureAwait(false);
                _fileReady = true;
            }

            Checkpoints.Attach(connection);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    protected override async Task<IAsyncDisposable?> EnterWriteAsync(CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new GateLease(_writeGate);
    }

    protected override async Task<IAsyncDisposable> EnterMigrationAsync(DbConnection connection, CancellationToken cancellationToken) =>
        (await EnterWriteAsync(cancellationToken).ConfigureAwait(false))!;

    private async Task UseWriteAheadLogAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        // The journal mode is stored in the file: once set, every later connection (and process) uses WAL.
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL";
        var mode = (string?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"SQLite database {_path} could not switch to WAL mode (it is in '{mode}' mode)");
        }
    }

    /// <summary>Notices where nobody else listens: publishing does nothing, listening waits until cancelled.</summary>
    private sealed class UnsharedNotices : IStoreNotices
    {
        public bool IsShared => false;

        public Task PublishAsync(string message, CancellationToken cancellationToken) => Task.CompletedTask;

        public async IAsyncEnumerable<string> ListenAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            yield return "";
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The scheduler's role over a file that only this process uses.</summary>
    private sealed class FileLeadership : ILeadership
    {
        public CancellationToken Lost => CancellationToken.None;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>Releases the write gate once.</summary>
    private sealed class GateLease(SemaphoreSlim gate) : IAsyncDisposable
    {
        private int _released;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }

            return ValueTask.CompletedTask;
        }
    }
}
