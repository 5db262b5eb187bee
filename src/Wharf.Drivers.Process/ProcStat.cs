using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Wharf.Drivers.Process;

/// <summary>
/// The fields of <c>/proc/&lt;pid&gt;/stat</c> the driver needs: is the process alive, which session it belongs to, when
/// it started. Also the passes over the process table that find a session's processes and a network namespace's: one
/// pass answers every question asked before it started, and reads a process's stat only when its session matches.
/// </summary>
internal readonly record struct ProcStat(int ProcessId, char State, int ProcessGroup, int Session, long StartTime)
{
    // A stat line is some 300 bytes; even 52 fields of 20 digits and a 64-byte name stay under this.
    private const int StatBufferSize = 2048;
    private const int EntryBufferSize = 32 * 1024;
    private const int PathBufferSize = 40;
    private const int LinkBufferSize = 64;

    // struct linux_dirent64: d_ino (8), d_off (8), d_reclen (2), d_type (1), then the NUL-terminated name.
    private const int EntryLengthOffset = 16;
    private const int EntryNameOffset = 19;

    private static readonly object ScanGate = new();
    private static readonly Lazy<string?> CurrentBoot = new(ReadBootId);
    private static List<Query> _pending = [];
    private static bool _scanning;

    /// <summary>Not yet reaped (zombie) or being torn down: the process no longer runs anything.</summary>
    public bool IsDead => State is 'Z' or 'X' or 'x';

    public static ProcStat? Read(int pid)
    {
        var prefix = "/proc/"u8;
        Span<byte> path = stackalloc byte[PathBufferSize];
        prefix.CopyTo(path);
        if (!pid.TryFormat(path[prefix.Length..], out var digits, default, CultureInfo.InvariantCulture))
        {
            return null;
        }

        return ReadAt(Libc.AtCurrentDirectory, path, prefix.Length + digits, pid);
    }

    public static ProcStat? Parse(int pid, string text) => Parse(pid, Encoding.UTF8.GetBytes(text));

    public static ProcStat? Parse(int pid, ReadOnlySpan<byte> text)
    {
        // The command name (field 2) is in parentheses and may itself hold spaces and parentheses: split after the last ')'.
        var close = text.LastIndexOf((byte)')');
        if (close < 0)
        {
            return null;
        }

        // Field N (counting from 1, as proc(5) does) is number N - 3 after the name; field 22 is the start time.
        var rest = text[(close + 1)..];
        ReadOnlySpan<byte> state = [], group = [], session = [], start = [];
        for (var number = 0; number <= 19; number++)
        {
            rest = rest.TrimStart((byte)' ');
            var end = rest.IndexOf((byte)' ');
            var field = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[end..];
            switch (number)
            {
                case 0: state = field; break;
                case 2: group = field; break;
                case 3: session = field; break;
                case 19: start = field; break;
            }
        }

        if (state.IsEmpty
            || !int.TryParse(group, NumberStyles.Integer, CultureInfo.InvariantCulture, out var groupId)
            || !int.TryParse(session, NumberStyles.Integer, CultureInfo.InvariantCulture, out var sessionId)
            || !long.TryParse(start, NumberStyles.Integer, CultureInfo.InvariantCulture, out var startTime))
        {
            return null;
        }

        return new ProcStat(pid, (char)state[0], groupId, sessionId, startTime);
    }

    /// <summary>The processes of a session, zombies included, as a pass over the process table that began after this call finds them.</summary>
    public static List<ProcStat> InSession(int sessionId)
    {
        var query = new Query(sessionId, null);
        Answer(query);
        return query.Stats;
    }

    /// <summary>The processes other than this one that run in the network namespace with this identity (<c>net:[4026532301]</c>).</summary>
    public static List<int> InNetworkNamespace(string identity) => InNetworkNamespaces([identity])[0];

    /// <summary>For each of <paramref name="identities"/>, in order, the processes other than this one in that network namespace: one pass for all.</summary>
    public static List<int>[] InNetworkNamespaces(IReadOnlyList<string> identities)
    {
        var queries = identities.Select(identity => new Query(null, Encoding.UTF8.GetBytes(identity))).ToArray();
        if (queries.Length > 0)
        {
            Answer(queries);
        }

        return [.. queries.Select(q => q.Pids)];
    }

    /// <summary>This boot's id: process ids and start times only mean something within one boot.</summary>
    /// <remarks>Read once per process (it cannot change while the process runs): every task start records it.</remarks>
    public static string? BootId() => CurrentBoot.Value;

    private static string? ReadBootId()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Reads <c>stat</c> of the process whose directory <paramref name="path"/>'s first <paramref name="length"/> bytes name.</summary>
    private static ProcStat? ReadAt(int directory, Span<byte> path, int length, int pid)
    {
        "/stat\0"u8.CopyTo(path[length..]);
        Span<byte> buffer = stackalloc byte[StatBufferSize];
        var read = Libc.ReadProcFile(directory, path, buffer);
        return read > 0 ? Parse(pid, buffer[..read]) : null;
    }

    /// <summary>
    /// Answers <paramref name="queries"/> with a pass that starts after they were asked: a pass already under way may
    /// have read a process before it changed (a leader that has since ended would show as alive), so a caller that
    /// finds one running waits for it to end, and the next pass answers everyone who asked meanwhile.
    /// </summary>
    private static void Answer(params Query[] queries)
    {
        List<Query> batch;
        lock (ScanGate)
        {
            // Added together, so answered together: the first stands for all.
            _pending.AddRange(queries);
            while (_scanning && !queries[0].Answered)
            {
                Monitor.Wait(ScanGate);
            }

            if (queries[0].Answered)
            {
                if (queries[0].Failure is { } earlier)
                {
                    throw new IOException("the process table could not be read", earlier);
                }

                return;
            }

            batch = _pending;
            _pending = [];
            _scanning = true;
        }

        Exception? failure = null;
        try
        {
            Pass(batch);
        }
        catch (Exception e)
        {
            failure = e;
            throw;
        }
        finally
        {
            lock (ScanGate)
            {
                foreach (var answered in batch)
                {
                    answered.Failure = failure;
                    answered.Answered = true;
                }

                _scanning = false;
                Monitor.PulseAll(ScanGate);
            }
        }
    }

    private static void Pass(List<Query> batch)
    {
        var proc = Libc.OpenProcDirectory();
        if (proc < 0)
        {
            // As when /proc cannot be listed: nothing is found.
            return;
        }

        var entries = ArrayPool<byte>.Shared.Rent(EntryBufferSize);
        try
        {
            var sessions = batch.Exists(q => q.Session is not null);
            var namespaces = batch.Exists(q => q.Identity is not null);
            Span<byte> path = stackalloc byte[PathBufferSize];
            int read;
            while ((read = Libc.ReadDirectoryEntries(proc, entries)) > 0)
            {
                for (var offset = 0; offset < read;)
                {
                    int length = MemoryMarshal.Read<ushort>(entries.AsSpan(offset + EntryLengthOffset));
                    if (length <= EntryNameOffset || offset + length > read)
                    {
                        break;
                    }

                    var entry = entries.AsSpan(offset, length);
                    offset += length;
                    var name = entry[EntryNameOffset..];
                    var end = name.IndexOf((byte)0);
                    name = end < 0 ? [] : name[..end];
                    if (name.IsEmpty || name.Length > PathBufferSize - 10 || !int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                    {
                        continue;
                    }

                    name.CopyTo(path);
                    if (sessions)
                    {
                        MatchSession(batch, proc, path, name.Length, pid);
                    }

                    if (namespaces && pid != Environment.ProcessId)
                    {
                        MatchNamespace(batch, proc, path, name.Length, pid);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(entries);
            Libc.CloseDescriptor(proc);
        }
    }

    private static void MatchSession(List<Query> batch, int proc, Span<byte> path, int length, int pid)
    {
        // getsid is one system call without a file; stat is read only for a session asked about, or when getsid is
        // refused (a security module may), so that what is found is what reading every stat would find.
        var session = Libc.GetSessionOf(pid);
        if (session < 0 ? Marshal.GetLastPInvokeError() == Libc.Esrch : !batch.Exists(q => q.Session == session))
        {
            return;
        }

        if (ReadAt(proc, path, length, pid) is not { } stat)
        {
            return;
        }

        foreach (var query in batch)
        {
            if (query.Session == stat.Session)
            {
                query.Stats.Add(stat);
            }
        }
    }

    private static void MatchNamespace(List<Query> batch, int proc, Span<byte> path, int length, int pid)
    {
        "/ns/net\0"u8.CopyTo(path[length..]);
        Span<byte> link = stackalloc byte[LinkBufferSize];
        var read = Libc.ReadProcLink(proc, path, link);
        if (read <= 0 || read == link.Length)
        {
            return;
        }

        foreach (var query in batch)
        {
            if (query.Identity is { } identity && link[..read].SequenceEqual(identity))
            {
                query.Pids.Add(pid);
            }
        }
    }

    /// <summary>One question for a pass: a session's processes or a namespace's; the pass fills in the answer.</summary>
    private sealed class Query(int? session, byte[]? identity)
    {
        public int? Session { get; } = session;

        public byte[]? Identity { get; } = identity;

        public List<ProcStat> Stats { get; } = [];

        public List<int> Pids { get; } = [];

        public bool Answered { get; set; }

        public Exception? Failure { get; set; }
    }
}
