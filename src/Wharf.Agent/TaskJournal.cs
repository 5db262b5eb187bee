using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using Wharf.Domain.Agents;
using Wharf.Domain.Serialization;

namespace Wharf.Agent;

/// <summary>
/// The tasks an agent runs, kept in one append-only file of its state folder, <c>tasks.journal</c>: a line per change,
/// <c>{"save":{…}}</c> (the whole <see cref="PersistedTask"/>) or <c>{"remove":{"jobId":…,"rank":…}}</c>. Replayed,
/// the last save of a task wins and a removal forgets it. One file kept open and one write per change: a file per
/// task cost a create, a rename and an unlink, each an inode change in the kernel, for every task the agent ran.
/// </summary>
/// <remarks>
/// <para>
/// The journal is compacted (its live tasks written to a temporary file that is renamed into place) when it is first
/// used and whenever it holds many more lines than live tasks, so it stays small without a rewrite per change.
/// </para>
/// <para>
/// A line that cannot be read (a crash or a failed write can leave one half-written) is skipped with a warning and
/// kept in <c>tasks.journal.unreadable</c> for people; the lines after it still count. Task files of earlier versions
/// (<c>tasks/&lt;job&gt;-&lt;rank&gt;.json</c>) are taken over on first use, so an upgraded agent keeps its tasks, and
/// deleted once the journal holds them.
/// </para>
/// </remarks>
internal sealed class TaskJournal
{
    private const string FileName = "tasks.journal";

    /// <summary>No compaction below this many lines, however few tasks are live: each costs a file and a rename.</summary>
    private const int MinLinesToCompact = 1000;

    /// <summary>Compaction once the lines outnumber the live tasks this many times, so its cost is spread over as many appends.</summary>
    private const int LinesPerLiveTask = 4;

    private readonly string _path;
    private readonly string _legacyFolder;
    private readonly ILogger _log;
    private readonly Lock _gate = new();

    /// <summary>The live tasks, as the journal holds them; null until the journal is first used.</summary>
    private Dictionary<TaskRef, PersistedTask>? _live;

    private SafeFileHandle? _file;
    private long _length;
    private int _lines;

    /// <summary>Raised past the line count when a compaction fails, so that a full disk is not retried on every change.</summary>
    private int _compactAbove = MinLinesToCompact;

    public TaskJournal(string stateFolder, ILogger log)
    {
        _path = Path.Combine(stateFolder, FileName);
        _legacyFolder = Path.Combine(stateFolder, "tasks");
        _log = log;
    }

    /// <summary>The live tasks, by job and rank.</summary>
    public IReadOnlyList<PersistedTask> Load()
    {
        lock (_gate)
        {
            return Ordered(Open());
        }
    }

    /// <summary>
    /// Closes the journal's file; an append after it (a task that outlived its agent's stop) opens it again. The live
    /// tasks stay as they are.
    /// </summary>
    public void Close()
    {
        lock (_gate)
        {
            _file?.Dispose();
            _file = null;
        }
    }

    /// <summary>Appends the whole task; replayed, it replaces any earlier save of its rank.</summary>
    public void Save(PersistedTask task) =>
        Append(KeyOf(task), task, Line(new JournalLine(Save: task)));

    /// <summary>Appends the removal of a rank; replayed, it forgets the rank.</summary>
    public void Remove(TaskRef task) =>
        Append(task, null, Line(new JournalLine(Remove: task)));

    /// <summary>
    /// The tasks that a journal in <paramref name="stateFolder"/> and any task files of earlier versions hold, read
    /// without changing anything: an agent may be appending meanwhile, and its half-written last line is skipped.
    /// </summary>
    public static IReadOnlyList<PersistedTask> Read(string stateFolder)
    {
        var live = Replay(Path.Combine(stateFolder, FileName), unreadable: null);
        foreach (var (_, task) in ReadLegacy(Path.Combine(stateFolder, "tasks"), log: null))
        {
            if (task is not null)
            {
                live.TryAdd(KeyOf(task), task);
            }
        }

        return Ordered(live);
    }

    private void Append(TaskRef key, PersistedTask? saved, byte[] line)
    {
        lock (_gate)
        {
            var live = Open();
            _file ??= OpenForAppend();
            try
            {
                RandomAccess.Write(_file, line, _length);
            }
            catch (IOException)
            {
                // Part of the line may be written; the next append reopens the file and starts on a line of its own.
                _file.Dispose();
                _file = null;
                throw;
            }

            _length += line.Length;
            _lines++;
            if (saved is null)
            {
                live.Remove(key);
            }
            else
            {
                live[key] = saved;
            }

            if (_lines > _compactAbove && _lines > LinesPerLiveTask * live.Count)
            {
                try
                {
                    Compact(live);
                    _compactAbove = MinLinesToCompact;
                }
                catch (IOException e)
                {
                    // The change itself is in the journal: it is only longer than it need be.
                    _compactAbove = _lines + MinLinesToCompact;
                    _log.LogWarning(e, "The task journal {Path} could not be compacted; it is tried again after {Lines} more lines", _path, MinLinesToCompact);
                }
            }
        }
    }

    /// <summary>On first use: replays the journal, takes over task files of earlier versions, and compacts.</summary>
    private Dictionary<TaskRef, PersistedTask> Open()
    {
        if (_live is not null)
        {
            return _live;
        }

        var unreadable = new List<(int Number, byte[] Content)>();
        var live = Replay(_path, unreadable);
        if (unreadable.Count > 0)
        {
            using var aside = new FileStream(_path + ".unreadable", FileMode.Append, FileAccess.Write);
            foreach (var (number, content) in unreadable)
            {
                _log.LogWarning(
                    "Line {Line} of the task journal {Path} cannot be read (a crash can leave the last one half-written); it is skipped and kept in {Path}.unreadable",
                    number, _path, _path);
                aside.Write(content);
                aside.WriteByte((byte)'\n');
            }
        }

        var takenOver = new List<string>();
        foreach (var (path, task) in ReadLegacy(_legacyFolder, _log))
        {
            // A file left beside the journal is no newer than it: the journal was written after the file was read.
            if (task is not null)
            {
                live.TryAdd(KeyOf(task), task);
                takenOver.Add(path);
            }
        }

        Compact(live);
        _live = live;
        foreach (var path in takenOver)
        {
            File.Delete(path);
        }

        if (takenOver.Count > 0 && !Directory.EnumerateFileSystemEntries(_legacyFolder).Any())
        {
            Directory.Delete(_legacyFolder);
        }

        return live;
    }

    /// <summary>Writes only the live tasks to a temporary file, renames it over the journal, and appends to it from then on.</summary>
    private void Compact(Dictionary<TaskRef, PersistedTask> live)
    {
        var temporary = _path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            foreach (var task in live.Values)
            {
                file.Write(Line(new JournalLine(Save: task)));
            }

            // Not flushed to the disk, as no append is (see StateFolder.SaveTask).
        }

        File.Move(temporary, _path, overwrite: true);
        _file?.Dispose();
        _lines = live.Count;
        _file = OpenForAppend();
    }

    private SafeFileHandle OpenForAppend()
    {
        var file = File.OpenHandle(_path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite);
        try
        {
            _length = RandomAccess.GetLength(file);
            // After a write that failed halfway the file ends inside a line: end it, so the next line reads on its own.
            Span<byte> last = stackalloc byte[1];
            if (_length > 0 && RandomAccess.Read(file, last, _length - 1) == 1 && last[0] != (byte)'\n')
            {
                RandomAccess.Write(file, "\n"u8, _length);
                _length++;
            }

            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The live tasks of the journal at <paramref name="path"/> (none if there is none). A line that cannot be read is
    /// skipped, and added with its number to <paramref name="unreadable"/> if given.
    /// </summary>
    private static Dictionary<TaskRef, PersistedTask> Replay(string path, List<(int Number, byte[] Content)>? unreadable)
    {
        var live = new Dictionary<TaskRef, PersistedTask>();
        var number = 0;
        byte[] content;
        try
        {
            content = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            return live;
        }

        var rest = content.AsSpan();
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf((byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 1)..];
            number++;
            if (line.IsEmpty)
            {
                continue;
            }

            JournalLine? entry;
            try
            {
                entry = JsonSerializer.Deserialize<JournalLine>(line, WharfJson.Options);
            }
            catch (Exception e) when (e is JsonException or NotSupportedException)
            {
                entry = null;
            }

            switch (entry)
            {
                case { Save: { Assignment: not null, Handle: not null } saved, Remove: null }:
                    live[KeyOf(saved)] = saved;
                    break;
                case { Save: null, Remove: { JobId: not null } removed }:
                    live.Remove(removed);
                    break;
                default:
                    unreadable?.Add((number, line.ToArray()));
                    break;
            }
        }

        return live;
    }

    /// <summary>
    /// The task files of earlier versions, each with its task, or null where it cannot be read; that one is renamed
    /// <c>*.unreadable</c> and left for people if a <paramref name="log"/> is given.
    /// </summary>
    private static IEnumerable<(string Path, PersistedTask? Task)> ReadLegacy(string folder, ILogger? log)
    {
        if (!Directory.Exists(folder))
        {
            yield break;
        }

        foreach (var path in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal).ToList())
        {
            PersistedTask? task;
            try
            {
                task = JsonSerializer.Deserialize<PersistedTask>(File.ReadAllText(path), WharfJson.Options)
                    ?? throw new JsonException("the file holds null");
            }
            catch (Exception e) when (e is JsonException or IOException or NotSupportedException)
            {
                task = null;
                if (log is not null)
                {
                    log.LogWarning(e, "The task file {Path} cannot be read; it is set aside as {Path}.unreadable", path, path);
                    File.Move(path, path + ".unreadable", overwrite: true);
                }
            }

            yield return (path, task);
        }
    }

    private static TaskRef KeyOf(PersistedTask task) => new(task.Assignment.JobId, task.Assignment.Rank);

    private static List<PersistedTask> Ordered(Dictionary<TaskRef, PersistedTask> live) =>
        [.. live.Values.OrderBy(t => t.Assignment.JobId, StringComparer.Ordinal).ThenBy(t => t.Assignment.Rank)];

    /// <summary>One line of the journal, ending in a line feed and written in one call, so a crash tears at most the last.</summary>
    private static byte[] Line(JournalLine entry) => [.. JsonSerializer.SerializeToUtf8Bytes(entry, WharfJson.Options), (byte)'\n'];

    /// <summary>A change to the tasks: a save of a whole task, or the removal of one.</summary>
    private sealed record JournalLine(PersistedTask? Save = null, TaskRef? Remove = null);
}
