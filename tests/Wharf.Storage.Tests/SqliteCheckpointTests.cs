using Microsoft.Data.Sqlite;
using Wharf.Storage.Sql;
using Wharf.Storage.Sqlite;
using static Wharf.Storage.Tests.JobRequests;

namespace Wharf.Storage.Tests;

/// <summary>The write-ahead log is checkpointed beside the writers, once it passes its threshold, and not inside a commit.</summary>
public sealed class SqliteCheckpointTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"wharf-checkpoint-{Guid.NewGuid():N}");
    private readonly List<SqlWharfStore> _stores = [];

    private string DatabasePath => Path.Combine(_directory, "wharf.db");

    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task ALogPastTheThreshold_IsCheckpointed_AndEveryCommittedJobIsStillThere()
    {
        var (store, database) = Open(checkpointFrames: 20);
        await store.MigrateAsync(Ct);

        var ids = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            var created = await store.Jobs.CreateJobsAsync(Request(Alice, T0, [.. Enumerable.Range(0, 20).Select(_ => Job())]), Ct);
            ids.AddRange(Assert.IsType<CreateJobsResult.Created>(created).Ids);
        }

        await WaitUntilAsync(() => database.Checkpoints.Completed > 0);

        // A checkpoint now finds (almost) everything already copied into the file.
        var (log, copied) = await CheckpointAsync();
        Assert.True(log - copied < 20, $"{log - copied} frames were left for later");
        Assert.Equal(ids.Count, (await store.Jobs.GetJobsAsync(ids, Ct)).Count);
    }

    [Fact]
    public async Task ALogUnderTheThreshold_IsLeftAlone()
    {
        var (store, database) = Open(checkpointFrames: 100_000);
        await store.MigrateAsync(Ct);
        for (var i = 0; i < 5; i++)
        {
            Assert.IsType<CreateJobsResult.Created>(await store.Jobs.CreateJobsAsync(Request(Alice, T0, Job()), Ct));
        }

        await Task.Delay(200);
        Assert.Equal(0, database.Checkpoints.Completed);
        var (log, copied) = await CheckpointAsync();
        Assert.True(log > 0 && copied == log, $"log {log}, copied {copied}");
    }

    [Fact]
    public async Task ACommit_NoLongerCheckpointsItself()
    {
        // Without the hook SQLite would checkpoint inside the commit that passes 1,000 pages; here the committer only
        // signals, so with the checkpointer's own threshold out of reach the log keeps every frame.
        var (store, _) = Open(checkpointFrames: 100_000);
        await store.MigrateAsync(Ct);
        for (var i = 0; i < 10; i++)
        {
            Assert.IsType<CreateJobsResult.Created>(await store.Jobs.CreateJobsAsync(Request(Alice, T0, [.. Enumerable.Range(0, 500).Select(_ => Job())]), Ct));
        }

        var (log, _) = await CheckpointAsync();
        Assert.True(log > 1_500, $"the log holds {log} frames since its last checkpoint");
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

    private (SqlWharfStore Store, SqliteDatabase Database) Open(int checkpointFrames)
    {
        var database = new SqliteDatabase(DatabasePath, SqliteSchema.Migrations, checkpointFrames);
        var store = new SqlWharfStore(database, TimeProvider.System);
        _stores.Add(store);
        return (store, database);
    }

    /// <summary>Runs a PASSIVE checkpoint on a connection of its own; returns the log's frames and how many of them are in the file.</summary>
    private async Task<(int Log, int Copied)> CheckpointAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.GetInt32(1), reader.GetInt32(2));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(10);
        }
    }
}
