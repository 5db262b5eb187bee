using System.Globalization;
using System.Text;

namespace Wharf.Server.Execution;

/// <summary>
/// One rank's stream on disk: <c>{stream}.log</c> and, once that grew past the size cap, the one before it as
/// <c>{stream}.log.1</c>; older lines are dropped and <c>{stream}.first</c> remembers how many, so line numbers stay
/// the same for ever. Each line is stored as <c>epochMs TAB text</c>. Appends and reads take the stream's lock, so a
/// reader sees whole lines and numbers that match what followers were sent.
/// </summary>
internal sealed class LogStream
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly string _current;
    private readonly string _rotated;
    private readonly string _firstFile;
    private readonly long _maxBytes;
    private bool _loaded;
    private long _first;          // number of the first line still on disk
    private long _rotatedLines;   // lines in {stream}.log.1
    private long _currentLines;   // lines in {stream}.log
    private long _currentBytes;

    public LogStream(string directory, string stream, long maxBytes)
    {
        Directory = directory;
        _current = Path.Combine(directory, stream + ".log");
        _rotated = _current + ".1";
        _firstFile = Path.Combine(directory, stream + ".first");
        _maxBytes = maxBytes;
    }

    public string Directory { get; }

    public Lock Gate { get; } = new();

    /// <summary>Set once the stream was dropped from the cache; a writer holding it takes a fresh one.</summary>
    public bool Retired { get; set; }

    public long LastUsed { get; set; }

    /// <summary>Appends lines (under <see cref="Gate"/>) and returns the number of the first.</summary>
    public long Append(IReadOnlyList<(string Text, DateTimeOffset Timestamp)> lines)
    {
        Load();
        var first = _first + _rotatedLines + _currentLines;
        var text = new StringBuilder();
        foreach (var (line, timestamp) in lines)
        {
            text.Append(timestamp.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)).Append('\t').Append(line).Append('\n');
        }

        var bytes = Utf8.GetBytes(text.ToString());
        if (_currentBytes > 0 && _currentBytes + bytes.Length > _maxBytes)
        {
            Rotate();
        }

        System.IO.Directory.CreateDirectory(Directory);
        using (var file = new FileStream(_current, FileMode.Append, FileAccess.Write, FileShare.ReadWrite))
        {
            file.Write(bytes);
        }

        _currentBytes += bytes.Length;
        _currentLines += lines.Count;
        return first;
    }

    /// <summary>Up to <paramref name="limit"/> lines from number <paramref name="from"/> on (under <see cref="Gate"/>), and the number after the last.</summary>
    public (List<(long Line, string Text, DateTimeOffset Timestamp)> Lines, long Next, long First) Read(long from, int limit)
    {
        Load();
        var lines = new List<(long, string, DateTimeOffset)>();
        var number = _first;
        from = Math.Max(from, _first);
        foreach (var path in new[] { _rotated, _current })
        {
            if (!File.Exists(path) || lines.Count >= limit)
            {
                continue;
            }

            var count = path == _rotated ? _rotatedLines : _currentLines;
            if (number + count <= from)
            {
                number += count;
                continue;
            }

            using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite), Utf8);
            for (var i = 0L; i < count && lines.Count < limit; i++, number++)
            {
                var line = reader.ReadLine();
                if (line is null)
                {
                    break;
                }

                if (number >= from)
                {
                    lines.Add(Parse(number, line));
                }
            }
        }

        var next = lines.Count > 0 ? lines[^1].Item1 + 1 : Math.Max(from, _first);
        return (lines, Math.Min(next, _first + _rotatedLines + _currentLines), _first);
    }

    /// <summary>How many lines were ever written (under <see cref="Gate"/>).</summary>
    public long Count()
    {
        Load();
        return _first + _rotatedLines + _currentLines;
    }

    private static (long, string, DateTimeOffset) Parse(long number, string line)
    {
        var tab = line.IndexOf('\t', StringComparison.Ordinal);
        if (tab > 0 && long.TryParse(line.AsSpan(0, tab), NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            return (number, line[(tab + 1)..], DateTimeOffset.FromUnixTimeMilliseconds(ms));
        }

        return (number, line, DateTimeOffset.UnixEpoch);
    }

    private void Rotate()
    {
        if (File.Exists(_rotated))
        {
            File.Delete(_rotated);
        }

        _first += _rotatedLines;
        File.WriteAllText(_firstFile, _first.ToString(CultureInfo.InvariantCulture));
        File.Move(_current, _rotated);
        _rotatedLines = _currentLines;
        _currentLines = 0;
        _currentBytes = 0;
    }

    private void Load()
    {
        if (_loaded)
        {
            return;
        }

        _first = File.Exists(_firstFile) && long.TryParse(File.ReadAllText(_firstFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var first) ? first : 0;
        _rotatedLines = CountLines(_rotated);
        _currentLines = CountLines(_current);
        _currentBytes = File.Exists(_current) ? new FileInfo(_current).Length : 0;
        _loaded = true;
    }

    private static long CountLines(string path)
    {
        if (!File.Exists(path))
        {
            return 0;
        }

        var count = 0L;
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        Span<byte> buffer = stackalloc byte[64 * 1024];
        int read;
        while ((read = file.Read(buffer)) > 0)
        {
            count += buffer[..read].Count((byte)'\n');
        }

        return count;
    }
}
