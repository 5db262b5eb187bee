using System.Text;

namespace Acme.Database;

/// <summary>
/// The store's file in its data folder: one record a line (<c>SET key value</c> or <c>DEL key</c>), appended and
/// flushed to disk before a write is acknowledged, rewritten from the live keys when it grows stale.
/// A lock file keeps a second process off the same folder.
/// </summary>
internal sealed class AppendOnlyLog : IDisposable
{
    private const string LogFileName = "store.aof";
    private const string CompactingFileName = "store.aof.compacting";
    private const string LockFileName = "store.lock";

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly string _logPath;
    private readonly string _compactingPath;
    private readonly FileStream _lock;
    private FileStream _stream;

    private AppendOnlyLog(string directory, FileStream fileLock)
    {
        _logPath = Path.Combine(directory, LogFileName);
        _compactingPath = Path.Combine(directory, CompactingFileName);
        _lock = fileLock;
        Existed = File.Exists(_logPath);

        // A compaction that died half-way leaves its temporary file; the log beside it is still complete.
        File.Delete(_compactingPath);
        Records = Existed ? ReadAndRepair() : [];
        _stream = OpenForAppend();
    }

    /// <summary>True when the folder already held a log, i.e. this is not the store's first start.</summary>
    public bool Existed { get; }

    /// <summary>The records read at open, oldest first.</summary>
    public IReadOnlyList<string> Records { get; }

    /// <summary>Opens the log in <paramref name="directory"/>, creating the folder; fails if another process holds it.</summary>
    public static AppendOnlyLog Open(string directory)
    {
        Directory.CreateDirectory(directory);
        FileStream fileLock;
        try
        {
            // On Unix, FileShare.None takes an advisory lock that a second acme-database on this folder sees.
            fileLock = new FileStream(
                Path.Combine(directory, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new IOException($"data folder {directory} is in use by another process ({e.Message})", e);
        }
        return new AppendOnlyLog(directory, fileLock);
    }

    /// <summary>Appends one record and forces it to disk before returning.</summary>
    public void Append(string record)
    {
        _stream.Write(Utf8.GetBytes(record + "\n"));
        _stream.Flush(flushToDisk: true);
    }

    /// <summary>Replaces the whole log with <paramref name="records"/>, atomically; on failure the old log stays.</summary>
    public void Rewrite(IEnumerable<string> records)
    {
        try
        {
            using var compacting = new FileStream(_compactingPath, FileMode.Create, FileAccess.Write, FileShare.None);
            foreach (var record in records)
            {
                compacting.Write(Utf8.GetBytes(record + "\n"));
            }
            compacting.Flush(flushToDisk: true);
        }
        catch (IOException)
        {
            File.Delete(_compactingPath);
            throw;
        }

        // rename(2) replaces the log atomically: after a crash the folder holds either the old log or the new one,
        // and both describe the same data, so no fsync of the folder is needed for correctness.
        _stream.Dispose();
        try
        {
            File.Move(_compactingPath, _logPath, overwrite: true);
        }
        finally
        {
            _stream = OpenForAppend();
        }
    }

    public void Dispose()
    {
        _stream.Flush(flushToDisk: true);
        _stream.Dispose();
        _lock.Dispose();
    }

    private FileStream OpenForAppend() =>
        new(_logPath, FileMode.Append, FileAccess.Write, FileShare.Read);

    private List<string> ReadAndRepair()
    {
        var bytes = File.ReadAllBytes(_logPath);
        var end = Array.LastIndexOf(bytes, (byte)'\n') + 1;
        if (end < bytes.Length)
        {
            // A crash during an append can leave a last line without its newline. That write was never
            // acknowledged, so it is dropped rather than half-applied.
            Console.Error.WriteLine($"acme-database: dropping {bytes.Length - end} bytes of an unfinished last record");
            using var repair = new FileStream(_logPath, FileMode.Open, FileAccess.Write, FileShare.None);
            repair.SetLength(end);
            repair.Flush(flushToDisk: true);
        }

        var text = Utf8.GetString(bytes, 0, end);
        var lines = text.Split('\n');
        return lines[..^1].ToList();
    }
}
