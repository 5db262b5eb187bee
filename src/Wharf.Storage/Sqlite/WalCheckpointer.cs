using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Wharf.Storage.Sqlite;

/// <summary>
/// Checkpoints a SQLite file's write-ahead log on a task of its own. SQLite's automatic checkpoint runs inside the
/// commit that takes the log past 1,000 pages: that commit, and every creation batched behind it, then waits while
/// the log is copied into the database file and both are fsynced (two fsyncs, 20–140 ms together on a busy VM).
/// Instead, each connection's WAL hook (which replaces the automatic checkpoint) only signals this checkpointer, which
/// runs the same PASSIVE checkpoint at the same log size while writers carry on. What a commit promises is unchanged:
/// with <c>synchronous = NORMAL</c> it is in the log, and the log is fsynced by the next checkpoint, as before. (The
/// first commit after a complete checkpoint still syncs the restarted log's header itself: SQLite does that in the writer.)
/// <para>
/// A checkpoint beside the writers never finishes the log under a steady stream of commits: frames keep arriving while
/// it copies, and SQLite starts the log over only when a writer finds every frame copied. The log would then grow for
/// as long as the load lasts (hundreds of MB in the API benchmark), every commit writing fresh file blocks, which the
/// kernel must allocate and zero. So once the log is <see cref="RestartFactor"/> thresholds long, the checkpointer
/// waits for a lull (no commit for <see cref="Lull"/>) and then copies what is left beside the writers: with no commit
/// meanwhile the log is then complete, and the next commit starts it over, writing the same blocks again. Only when the
/// commits leave no lull until the log is <see cref="ForcedRestartFactor"/> thresholds long does it copy the few frames
/// left by its last pass while holding this process's write gate. Every commit queued then waits for that pass, which
/// still syncs the log and the file (3–10 ms on a busy VM): a stall in the latency of every request in flight, which
/// the lull spares them whenever the load has gaps, and which a steady stream meets a quarter as often as at
/// <see cref="RestartFactor"/>. It is still PASSIVE: it never waits for a reader, so a long read only postpones the
/// restart, as it would SQLite's own.
/// </para>
/// </summary>
internal sealed class WalCheckpointer : IAsyncDisposable
{
    /// <summary>SQLite's own automatic checkpoint size, in pages (log frames).</summary>
    public const int DefaultThresholdFrames = 1000;

    /// <summary>
    /// Should this checkpointer fall this many thresholds behind (it failed, or a long read kept it from finishing),
    /// the committing connection checkpoints itself, as SQLite would have, so the log stays bounded.
    /// </summary>
    private const int FallbackFactor = 8;

    /// <summary>How many thresholds long the log may grow before a checkpoint at the next lull in the commits lets it start over.</summary>
    private const int RestartFactor = 4;

    /// <summary>How many thresholds long the log may grow, when the commits leave no lull, before a checkpoint holds the write gate to let it start over.</summary>
    private const int ForcedRestartFactor = 16;

    /// <summary>SQLite's default page size, which Wharf keeps, and the header SQLite writes before each page in the log.</summary>
    private const int FrameBytes = 4096 + 24;

    /// <summary>
    /// No commit for this long counts as a lull, in which a pass beside the writers likely copies the whole log before
    /// the next commit (a pass with little left to copy takes about as long, most of it in its two syncs).
    /// </summary>
    private static readonly TimeSpan Lull = TimeSpan.FromMilliseconds(5);

    private static readonly ConcurrentDictionary<nint, WalCheckpointer> Registered = new();
    private static readonly WalHook Hook = OnCommitted;
    private static readonly nint HookPointer = Marshal.GetFunctionPointerForDelegate(Hook);
    private static long _nextId;
    private static volatile bool _hookMissing;

    private readonly nint _id = (nint)Interlocked.Increment(ref _nextId);
    private readonly Func<CancellationToken, Task<DbConnection>> _open;
    private readonly Func<DbConnection, ValueTask> _release;
    private readonly Func<CancellationToken, Task<IAsyncDisposable?>> _enterWrite;
    private readonly int _thresholdFrames;
    // Without spinning before it blocks: SemaphoreSlim's wait spins with sched_yield first, on every commit's wake.
    private readonly ManualResetEventSlim _signal = new(false, spinCount: 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _latestFrames;
    private int _checkpointedFrames;
    private int _completed;
    private int _disposed;
    private long _lastCommit;

    // The last commit before the last lull's pass (only the loop uses it): a lull without a commit since needs no pass.
    private long _lullCommit;

    /// <param name="open">Opens a connection to the file (its WAL hook attached, which is harmless here).</param>
    /// <param name="release">Gives back a connection <paramref name="open"/> gave.</param>
    /// <param name="enterWrite">Waits for this process's write gate on the file; disposing the result releases it.</param>
    /// <param name="thresholdFrames">How many log frames not yet copied to the file start a checkpoint.</param>
    public WalCheckpointer(
        Func<CancellationToken, Task<DbConnection>> open,
        Func<DbConnection, ValueTask> release,
        Func<CancellationToken, Task<IAsyncDisposable?>> enterWrite,
        int thresholdFrames = DefaultThresholdFrames)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(thresholdFrames);
        _open = open;
        _release = release;
        _enterWrite = enterWrite;
        _thresholdFrames = thresholdFrames;
        Registered[_id] = this;
        // A thread of its own, not the thread pool's: a pass blocks in its two syncs for milliseconds, and on a small
        // machine the pool has as few threads as cores, so a pass there held up the requests queued behind it.
        _loop = Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int WalHook(nint context, nint database, nint schema, int frames);

    /// <summary>
    /// The size in bytes to which a commit that starts the log over cuts the log's file (<c>PRAGMA journal_size_limit</c>).
    /// It is above the length at which the log normally starts over, so the file's blocks are written again rather than
    /// freed and allocated anew; only a log that grew past it (a long read or a late checkpoint kept it from starting
    /// over) gives space back.
    /// </summary>
    public long LogFileLimitBytes => (long)_thresholdFrames * (ForcedRestartFactor + 2) * FrameBytes;

    /// <summary>How many checkpoints this checkpointer has completed.</summary>
    public int Completed => Volatile.Read(ref _completed);

    /// <summary>Makes commits on <paramref name="connection"/> report to this checkpointer instead of checkpointing themselves.</summary>
    public void Attach(SqliteConnection connection)
    {
        if (_hookMissing || connection.Handle is not { } handle)
        {
            return;
        }

        try
        {
            _ = SetWalHook(handle.DangerousGetHandle(), HookPointer, _id);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Another native SQLite than the bundled one: its commits keep checkpointing themselves, as before.
            _hookMissing = true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        Registered.TryRemove(_id, out _);
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
        _signal.Dispose();
    }

    [DllImport("e_sqlite3", EntryPoint = "sqlite3_wal_hook")]
    private static extern nint SetWalHook(nint database, nint hook, nint context);

    [DllImport("e_sqlite3", EntryPoint = "sqlite3_wal_checkpoint")]
    private static extern int CheckpointNow(nint database, nint schema);

    /// <summary>Called by SQLite on the committing thread, after the commit, with the log's size in frames.</summary>
    private static int OnCommitted(nint context, nint database, nint schema, int frames)
    {
        try
        {
            // A connection that outlived its checkpointer checkpoints itself, at SQLite's own threshold.
            if (Registered.TryGetValue(context, out var checkpointer) ? checkpointer.Note(frames) : frames >= DefaultThresholdFrames)
            {
                _ = CheckpointNow(database, schema);
            }
        }
        catch (Exception)
        {
            // Nothing may unwind into SQLite; the next commit reports again.
        }

        return 0;
    }

    /// <summary>Signals the loop when the log has grown a threshold past the last checkpoint; true when the committer must checkpoint itself.</summary>
    private bool Note(int frames)
    {
        Volatile.Write(ref _latestFrames, frames);
        Volatile.Write(ref _lastCommit, Stopwatch.GetTimestamp());
        var behind = Behind(frames);
        if (behind < _thresholdFrames)
        {
            return false;
        }

        if (!_signal.IsSet)
        {
            _signal.Set();
        }

        return behind >= _thresholdFrames * FallbackFactor;
    }

    /// <summary>Frames in the log not yet copied to the file; fewer frames than were checkpointed means the log restarted.</summary>
    private int Behind(int frames)
    {
        var done = Volatile.Read(ref _checkpointedFrames);
        return frames >= done ? frames - done : frames;
    }

    private void Run()
    {
        var token = _stop.Token;
        try
        {
            while (true)
            {
                // While the log waits to start over, wake every Lull to look for one; otherwise only when signalled.
                if (_signal.Wait(RestartDue() ? Lull : Timeout.InfiniteTimeSpan, token))
                {
                    _signal.Reset();
                }

                var lastCommit = Volatile.Read(ref _lastCommit);
                var lull = RestartDue() && Stopwatch.GetElapsedTime(lastCommit) >= Lull;
                if (lull)
                {
                    _lullCommit = lastCommit;
                }
                else if (Behind(Volatile.Read(ref _latestFrames)) < _thresholdFrames)
                {
                    // Commits made while the last checkpoint ran asked for this one; it covered them.
                    continue;
                }

                try
                {
                    Checkpoint(token);
                }
                catch (DbException)
                {
                    // The next commit past the threshold asks again; meanwhile the fallback in Note bounds the log.
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// The log, as the last commit left it, is long enough to start over, and commits came since the last lull's pass.
    /// A pass's own count cannot tell whether it copied the whole log: it counts only the frames in its snapshot.
    /// </summary>
    private bool RestartDue() =>
        Volatile.Read(ref _latestFrames) >= _thresholdFrames * RestartFactor && Volatile.Read(ref _lastCommit) != _lullCommit;

    /// <summary>A pass, and the gated one the log may need; on the checkpointer's own thread, so it blocks rather than awaits.</summary>
    private void Checkpoint(CancellationToken cancellationToken)
    {
        var connection = _open(cancellationToken).GetAwaiter().GetResult();
        try
        {
            CheckpointOn(connection, cancellationToken);
        }
        finally
        {
            _release(connection).AsTask().GetAwaiter().GetResult();
        }
    }

    private void CheckpointOn(DbConnection connection, CancellationToken cancellationToken)
    {
        var log = CheckpointPassive(connection);
        Interlocked.Increment(ref _completed);
        if (log < _thresholdFrames * ForcedRestartFactor)
        {
            // Shorter, the log starts over after the pass at the next lull (see Run).
            return;
        }

        // The pass above copied the bulk beside the writers; only what they committed meanwhile is left, and with the
        // gate held nothing more arrives, so this pass completes the log (unless a reader still needs some of it).
        var gate = _enterWrite(cancellationToken).GetAwaiter().GetResult();
        try
        {
            CheckpointPassive(connection);
        }
        finally
        {
            gate?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>One PASSIVE checkpoint; returns the log's length in frames and records how many of them are in the file.</summary>
    private int CheckpointPassive(DbConnection connection)
    {
        using var command = connection.CreateCommand();

        // PASSIVE, as SQLite's automatic checkpoint: copies what no reader still needs, never waits for a lock.
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return 0;
        }

        Volatile.Write(ref _checkpointedFrames, Math.Max(0, reader.GetInt32(2)));
        return reader.GetInt32(1);
    }
}
