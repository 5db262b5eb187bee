using System.Buffers.Binary;
using Microsoft.Data.Sqlite;
using Microsoft.Win32.SafeHandles;
using Wharf.Storage.Sql;
using Wharf.Storage.Sqlite;
using static Wharf.Storage.Tests.JobRequests;

namespace Wharf.Storage.Tests;

/// <summary>The write-ahead log is checkpointed beside the writers, once it passes its threshold, and not inside a commit.</summary>
[Collection(SqliteCheckpointCollection.Name)]
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

    [Fact]
    public async Task UnderASteadyStreamOfCommits_TheLogStartsOver_InsteadOfGrowing()
    {
        // Commits one after another leave no moment in which a checkpoint beside them has copied the whole log, and
        // SQLite starts the log over only when a writer finds it all copied. Left at that, the log grows by every frame
        // committed for as long as the stream lasts (or, should the checkpointer fall behind, until a commit
        // checkpoints itself at eight thresholds). It must instead start over every few thresholds (sixteen, when the
        // commits leave no lull); a slow disk or a late checkpointer (the first one waits for the JIT) may stretch the
        // odd round, so this asks for some short rounds, not for every round to be short.
        const int Threshold = 250;
        const int Long = 19 * Threshold;
        var (store, _) = Open(checkpointFrames: Threshold);
        await store.MigrateAsync(Ct);

        var rounds = new Dictionary<uint, bool>(); // the log's first salt in each round -> whether it grew past Long
        using var stop = new CancellationTokenSource();
        // A thread of its own: the writer keeps the thread pool busy, and a watcher there would miss whole rounds.
        var watcher = new Thread(() =>
        {
            using var log = File.OpenHandle(DatabasePath + "-wal", FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var pageBytes = ReadUInt32(log, 8);
            while (!stop.IsCancellationRequested)
            {
                var salt = ReadUInt32(log, 16);
                rounds[salt] = rounds.GetValueOrDefault(salt) || ReadUInt32(log, LogFrameOffset(Long, pageBytes) + 8) == salt;
                Thread.Sleep(2);
            }
        });
        watcher.Start();
        try
        {
            for (var i = 0; i < 5000; i++)
            {
                Assert.IsType<CreateJobsResult.Created>(await store.Jobs.CreateJobsAsync(Request(Alice, T0, Job()), Ct));
            }
        }
        finally
        {
            await stop.CancelAsync();
            watcher.Join();
        }

        // The first round began before the load and the last one is unfinished: only those between count.
        var finished = rounds.Values.Skip(1).SkipLast(1).ToList();
        var longRounds = finished.Count(grewLong => grewLong);
        Assert.True(
            finished.Count - longRounds >= 2,
            $"the log started over {finished.Count} times in the stream, {longRounds} of them after growing past {Long} frames");
    }

    [Fact]
    public async Task AfterABurstOfCommits_TheNextCommitStartsTheLogOver()
    {
        // A burst of a few thresholds is too short for a checkpoint to hold the writers up so that the log can start
        // over; in the lull after it a checkpoint beside them copies the rest, and the next commit starts the log over.
        // Twice: the first burst also waits for the JIT to compile the checkpointer.
        const int Threshold = 100;
        const int Burst = 12 * Threshold;
        var (store, _) = Open(checkpointFrames: Threshold);
        await store.MigrateAsync(Ct);
        using var log = File.OpenHandle(DatabasePath + "-wal", FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var pageBytes = ReadUInt32(log, 8);
        for (var burst = 0; burst < 2; burst++)
        {
            uint salt;
            var commits = 0;
            do
            {
                Assert.IsType<CreateJobsResult.Created>(await store.Jobs.CreateJobsAsync(Request(Alice, T0, Job()), Ct));
                Assert.True(++commits < 10 * Burst, $"the log never held {Burst} frames of one round");
                salt = ReadUInt32(log, 16);
            }
            while (ReadUInt32(log, LogFrameOffset(Burst, pageBytes) + 8) != salt);

            await Task.Delay(500);
            Assert.IsType<CreateJobsResult.Created>(await store.Jobs.CreateJobsAsync(Request(Alice, T0, Job()), Ct));
            Assert.NotEqual(salt, ReadUInt32(log, 16));
        }
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

    /// <summary>
    /// Where frame <paramref name="frame"/> (counted from 1) of the log starts: after the 32-byte log header, each frame
    /// is a 24-byte header and a page.
    /// </summary>
    private static long LogFrameOffset(int frame, uint pageBytes) => 32 + (frame - 1) * (24L + pageBytes);

    /// <summary>
    /// A big-endian number from the log's file. At 16 the log header holds its first salt, which SQLite counts up by one
    /// each time the log starts over; each frame header repeats it at 8, so a frame belongs to the current round when
    /// its salt is the log header's.
    /// </summary>
    private static uint ReadUInt32(SafeFileHandle log, long offset)
    {
        Span<byte> bytes = stackalloc byte[4];
        return RandomAccess.Read(log, bytes, offset) == 4 ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : 0;
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

/// <summary>
/// The checkpoint tests run alone: how soon the checkpointer gets a thread decides how long the log grows, and tests
/// running beside them would only make that later.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SqliteCheckpointCollection
{
    public const string Name = "sqlite checkpoints";
}
