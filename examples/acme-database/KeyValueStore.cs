using System.Globalization;

namespace Acme.Database;

/// <summary>
/// The key-value data: kept in memory, every change written to the <see cref="AppendOnlyLog"/> (and on disk)
/// before it is visible, reloaded from the log at start. Safe to use from many connections at once.
/// </summary>
internal sealed class KeyValueStore : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly AppendOnlyLog _log;
    private readonly int _compactAfter;
    private int _logRecords;
    private string? _writeFailure;

    private KeyValueStore(AppendOnlyLog log, int compactAfter)
    {
        _log = log;
        _compactAfter = compactAfter;
    }

    /// <summary>True when this start created the store (and seeded it).</summary>
    public bool IsNew { get; private init; }

    /// <summary>Opens the store in <paramref name="directory"/>; a new store is seeded with <paramref name="seed"/>.</summary>
    public static KeyValueStore Open(string directory, int compactAfter, IEnumerable<KeyValuePair<string, string>> seed)
    {
        var log = AppendOnlyLog.Open(directory);
        try
        {
            var store = new KeyValueStore(log, compactAfter) { IsNew = !log.Existed };
            for (var i = 0; i < log.Records.Count; i++)
            {
                store.Replay(log.Records[i], i + 1);
            }
            store._logRecords = log.Records.Count;
            if (store.IsNew)
            {
                foreach (var (key, value) in seed)
                {
                    store.Set(key, value);
                }
            }
            lock (store._gate)
            {
                store.CompactIfStale();
            }
            return store;
        }
        catch
        {
            log.Dispose();
            throw;
        }
    }

    /// <summary>The number of keys.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _values.Count;
            }
        }
    }

    /// <summary>The value of <paramref name="key"/>, or null.</summary>
    public string? Get(string key)
    {
        lock (_gate)
        {
            return _values.GetValueOrDefault(key);
        }
    }

    /// <summary>Sets a value; durable when this returns.</summary>
    public void Set(string key, string value)
    {
        RecordKey.Validate(key);
        if (value.Contains('\n', StringComparison.Ordinal))
        {
            throw new ArgumentException("a value cannot contain a newline", nameof(value));
        }
        lock (_gate)
        {
            Write($"SET {key} {value}");
            _values[key] = value;
            CompactIfStale();
        }
    }

    /// <summary>Removes a key; false when it did not exist.</summary>
    public bool Delete(string key)
    {
        lock (_gate)
        {
            if (!_values.ContainsKey(key))
            {
                return false;
            }
            Write($"DEL {key}");
            _values.Remove(key);
            CompactIfStale();
            return true;
        }
    }

    /// <summary>Adds one to an integer value (a missing key counts as 0) and returns the new value.</summary>
    /// <exception cref="FormatException">The value is not an integer.</exception>
    /// <exception cref="OverflowException">The value is already the largest integer.</exception>
    public long Increment(string key)
    {
        RecordKey.Validate(key);
        lock (_gate)
        {
            var current = _values.TryGetValue(key, out var text)
                ? long.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)
                : 0;
            var next = checked(current + 1);
            var value = next.ToString(CultureInfo.InvariantCulture);
            Write($"SET {key} {value}");
            _values[key] = value;
            CompactIfStale();
            return next;
        }
    }

    /// <summary>All keys, sorted.</summary>
    public IReadOnlyList<string> Keys()
    {
        lock (_gate)
        {
            return _values.Keys.Order(StringComparer.Ordinal).ToList();
        }
    }

    public void Dispose() => _log.Dispose();

    /// <exception cref="IOException">The record could not be written; the store then refuses every later write.</exception>
    private void Write(string record)
    {
        if (_writeFailure is not null)
        {
            throw new IOException($"the store is read-only since a write failed: {_writeFailure}");
        }
        try
        {
            // The record reaches the disk before memory changes, so a reply of OK always means "durable".
            _log.Append(record);
            _logRecords++;
        }
        catch (IOException e)
        {
            // A failed append may leave part of a line in the log; appending after it would glue the next record
            // to that fragment and corrupt the history, so writes stop here until a restart repairs the tail.
            _writeFailure = e.Message;
            throw;
        }
    }

    // Called only after memory has caught up with the log: the snapshot must hold the write just logged.
    private void CompactIfStale()
    {
        if (_logRecords - _values.Count <= _compactAfter)
        {
            return;
        }
        var snapshot = _values.OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair => $"SET {pair.Key} {pair.Value}")
            .ToList();
        try
        {
            _log.Rewrite(snapshot);
            _logRecords = snapshot.Count;
        }
        catch (IOException e)
        {
            // The write that triggered compaction is already durable in the old log, so this is not its failure.
            Console.Error.WriteLine($"acme-database: compaction failed, keeping the log as it is: {e.Message}");
        }
    }

    private void Replay(string record, int lineNumber)
    {
        var parts = record.Split(' ', 3);
        switch (parts)
        {
            case ["SET", var key, var value] when RecordKey.IsValid(key):
                _values[key] = value;
                break;
            case ["DEL", var key] when RecordKey.IsValid(key):
                _values.Remove(key);
                break;
            default:
                // Refusing to start is better than serving data that silently lost part of its history.
                throw new InvalidDataException($"store.aof line {lineNumber} is not a record: '{record}'");
        }
    }
}
