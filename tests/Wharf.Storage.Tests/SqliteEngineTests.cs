using System.Data.Common;
using Microsoft.Data.Sqlite;
using Wharf.Storage.Sql;
using static Wharf.Storage.Tests.JobRequests;

namespace Wharf.Storage.Tests;

/// <summary>What only the SQLite engine promises: its file, its settings, and one writer at a time without SQLITE_BUSY.</summary>
public sealed class SqliteEngineTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"wharf-sqlite-{Guid.NewGuid():N}");
    private readonly List<IWharfStore> _stores = [];

    private string DatabasePath => Path.Combine(_directory, "nested", "folder", "wharf.db");

    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task OpenSqlite_TouchesNothing_UntilFirstUse_ThenCreatesTheFileAndItsFolder()
    {
        var store = Open();
        Assert.False(Directory.Exists(_directory));

        await store.MigrateAsync(Ct);

        Assert.True(File.Exists(DatabasePath));
        Assert.Equal("sqlite", store.Engine);
    }

    [Fact]
    public async Task Connections_UseWriteAheadLog_NormalSync_ABusyTimeout_ForeignKeys_AndALogSizeLimit()
    {
        var store = Open();
        await store.MigrateAsync(Ct);

        // The settings are made once per connection: the kept connections, taken again, and a second store's still have them.
        foreach (var opened in new[] { store, store, store, Open(), store })
        {
            await using var session = await opened.Database.OpenAsync(Ct);
            Assert.Equal("wal", await PragmaAsync(session, "journal_mode"));
            Assert.Equal("1", await PragmaAsync(session, "synchronous")); // NORMAL
            Assert.Equal("1", await PragmaAsync(session, "foreign_keys"));
            Assert.True(long.Parse(await PragmaAsync(session, "busy_timeout")) >= 1000);
            Assert.True(long.Parse(await PragmaAsync(session, "journal_size_limit")) > 0); // a log that grew is cut back
        }
    }

    [Fact]
    public async Task Statements_AreKeptPreparedFromOneSessionToTheNext_WithoutTheirParameters()
    {
        var store = Open();
        await store.MigrateAsync(Ct);
        const string Sql = "SELECT @value";

        DbCommand first;
        await using (var session = await store.Database.OpenAsync(Ct))
        {
            first = session.Command(Sql);
            first.With("@value", 1L);
            Assert.Equal(1L, await first.ExecuteScalarAsync(Ct));

            // In use: a nested query with the same SQL gets its own command.
            await using (var nested = session.Command(Sql))
            {
                Assert.NotSame(first, nested);
                Assert.Equal(2L, await nested.With("@value", 2L).ExecuteScalarAsync(Ct));
            }

            await first.DisposeAsync();
        }

        await using (var session = await store.Database.OpenAsync(Ct))
        {
            await using var again = session.Command(Sql);
            Assert.Same(first, again);
            Assert.Empty(again.Parameters); // a missing parameter is an error, not the last request's value
            await Assert.ThrowsAsync<InvalidOperationException>(() => again.ExecuteScalarAsync(Ct));
            Assert.Equal(3L, await again.With("@value", 3L).ExecuteScalarAsync(Ct));
        }
    }

    [Fact]
    public async Task AKeptCommand_WhoseTextItsUserChanged_ComesBackWithItsOwnText()
    {
        var store = Open();
        await store.MigrateAsync(Ct);

        await using (var session = await store.Database.OpenAsync(Ct))
        {
            await using var command = session.Command("SELECT 1");
            command.CommandText = "SELECT 2";
            Assert.Equal(2L, await command.ExecuteScalarAsync(Ct));
        }

        await using (var session = await store.Database.OpenAsync(Ct))
        {
            await using var command = session.Command("SELECT 1");
            Assert.Equal(1L, await command.ExecuteScalarAsync(Ct));
        }
    }

    [Fact]
    public async Task AConnectionIsKept_OnlyWhenNothingOfItsSessionIsLeftOnIt()
    {
        var store = Open();
        await store.MigrateAsync(Ct);
        await CreateOneAsync(store, "first");

        DbConnection read;
        await using (var session = await store.Database.BeginReadAsync(Ct))
        {
            read = session.Connection;
            await using var command = session.Command("SELECT COUNT(*) FROM jobs");
            Assert.Equal(1L, await command.ScalarLongAsync(Ct));
        }

        // A reader left open at the session's end (its statement still running, its snapshot held): not kept.
        DbConnection abandoned;
        DbDataReader reader;
        await using (var session = await store.Database.OpenAsync(Ct))
        {
            Assert.Same(read, session.Connection);
            abandoned = session.Connection;
            var command = session.Command("SELECT id FROM jobs");
            reader = await command.ExecuteReaderAsync(Ct);
            Assert.True(await reader.ReadAsync(Ct));
        }

        await using (var session = await store.Database.BeginWriteAsync(Ct))
        {
            Assert.NotSame(abandoned, session.Connection);
            await using var command = session.Command("UPDATE jobs SET priority = 7");
            Assert.Equal(1, await command.ExecuteNonQueryAsync(Ct));
            await session.CommitAsync(Ct);
        }

        // Nothing the kept connections hold stops the log from being copied back whole.
        await using (var session = await store.Database.OpenAsync(Ct))
        {
            await using var command = session.Command("PRAGMA wal_checkpoint(TRUNCATE)");
            await using var result = await command.ExecuteReaderAsync(Ct);
            Assert.True(await result.ReadAsync(Ct));
            Assert.Equal(0L, result.GetInt64(0)); // not busy
        }
    }

    [Fact]
    public async Task AWriteTransaction_HoldsTheWriteLockFromItsStart_WhileReadsCarryOn()
    {
        var store = Open();
        await store.MigrateAsync(Ct);
        var id = Assert.IsType<CreateJobsResult.Created>(await store.Jobs.CreateJobsAsync(Request(Alice, T0, Job()), Ct)).Ids[0];

        await using (var writer = await store.Database.BeginWriteAsync(Ct))
        {
            // BEGIN IMMEDIATE: another writer is shut out before this transaction has written anything.
            // (Microsoft.Data.Sqlite retries a busy statement until the command timeout: keep that short.)
            await using var other = new SqliteConnection($"Data Source={DatabasePath};Default Timeout=1");
            await other.OpenAsync();
            await using var begin = other.CreateCommand();
            begin.CommandText = "BEGIN IMMEDIATE";
            var busy = await Assert.ThrowsAsync<SqliteException>(() => begin.ExecuteNonQueryAsync());
            Assert.Equal(5, busy.SqliteErrorCode); // SQLITE_BUSY

            // WAL: readers on their own connections are not blocked by the writer.
            Assert.NotNull(await store.Jobs.GetJobAsync(id, Ct));
        }
    }

    [Fact]
    public async Task ConcurrentWrites_FromTwoStoresOnOneFile_AllSucceed()
    {
        var first = Open();
        var second = Open();
        await first.MigrateAsync(Ct);

        var writes = Enumerable.Range(0, 40).Select(i => Task.Run(async () =>
        {
            var store = i % 2 == 0 ? first : second;
            var created = await store.Jobs.CreateJobsAsync(Request(new Domain.Jobs.Owner($"u{i}", "p"), T0, Job()), Ct);
            var job = await store.Jobs.GetJobAsync(Assert.IsType<CreateJobsResult.Created>(created).Ids[0], Ct);
            Assert.True(await store.Jobs.TrySaveAsync(job!.Apply(Domain.Jobs.JobTransitions.Start, T0.AddSeconds(1)), Ct));
        }));
        await Task.WhenAll(writes);

        var page = await second.Jobs.BrowseJobsAsync(new JobQuery { ItemsPerPage = 1000 }, Ct);
        Assert.Equal(40, page.Items.Count);
        Assert.All(page.Items, j => Assert.Equal(2, j.Updates.Count));
    }

    [Fact]
    public async Task CreateJobs_AnswersTheIdsTheRowsGot_WhenTheIdSequenceIsAheadOfTheHighestRow()
    {
        var store = Open();
        await store.MigrateAsync(Ct);
        await CreateOneAsync(store, "first");
        await using (var session = await store.Database.BeginWriteAsync(Ct))
        {
            // AUTOINCREMENT never reuses an id: a deleted last job leaves the sequence above every row.
            await using var command = session.Command("UPDATE sqlite_sequence SET seq = 9000 WHERE name = 'jobs'");
            await command.ExecuteNonQueryAsync(Ct);
            await session.CommitAsync(Ct);
        }

        var created = Assert.IsType<CreateJobsResult.Created>(
            await store.Jobs.CreateJobsAsync(Request(Alice, T0, Named("second"), Named("third")), Ct));

        Assert.Equal(["9001", "9002"], created.Ids);
        Assert.Equal("second", (await store.Jobs.GetJobAsync("9001", Ct))!.Specification.Name);
        Assert.Equal("third", (await store.Jobs.GetJobAsync("9002", Ct))!.Specification.Name);
    }

    [Fact]
    public async Task Ping_AnswersFalse_WhenTheFileCannotBeOpened()
    {
        Directory.CreateDirectory(_directory);
        var blocker = Path.Combine(_directory, "a-file");
        await File.WriteAllTextAsync(blocker, "not a folder");

        var store = WharfStores.OpenSqlite(Path.Combine(blocker, "wharf.db"));
        _stores.Add(store);

        Assert.False(await store.PingAsync(Ct));
    }

    [Fact]
    public void SchemaSteps_MustBeNumberedWithoutGaps()
    {
        var step = new SchemaMigration(1, "one", ["SELECT 1"]);

        Assert.Equal(2, SchemaMigration.Ordered(step, step with { Version = 2 }).Count);
        Assert.Throws<ArgumentException>(() => SchemaMigration.Ordered(step, step with { Version = 3 }));
        Assert.Throws<ArgumentException>(() => SchemaMigration.Ordered(step with { Version = 2 }));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private SqlWharfStore Open()
    {
        var store = WharfStores.OpenSqlite(DatabasePath, Sqlite.SqliteSchema.Migrations);
        _stores.Add(store);
        return store;
    }

    private static NewJob Named(string name)
    {
        var job = Job();
        return job with { Specification = job.Specification with { Name = name } };
    }

    private static async Task CreateOneAsync(SqlWharfStore store, string name) =>
        Assert.IsType<CreateJobsResult.Created>(await store.Jobs.CreateJobsAsync(Request(Alice, T0, Named(name)), Ct));

    private static async Task<string> PragmaAsync(SqlSession session, string name)
    {
        await using var command = session.Command($"PRAGMA {name}");
        return Convert.ToString(await command.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture)!;
    }
}
