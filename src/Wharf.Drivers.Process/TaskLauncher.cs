using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Wharf.Drivers.Process;

/// <summary>
/// The agent's side of <c>wharf-task --serve</c>, one launcher per agent process, which starts each task's command
/// with vfork and exec and supervises it: one program start per task, where a <c>wharf-task</c> of its own costs two
/// (see <c>native/wharf-task.c</c>). Requests go out as single messages on a SOCK_SEQPACKET socket; one thread reads
/// the answers: that a task started (its pid and start time, or why not) and, later, that it ended and how.
/// </summary>
/// <remarks>
/// The commands are the launcher's children, not the agent's, and it writes their exit-status files: it is started
/// in a session of its own and outlives an agent that ends, until the last of them has ended. Should the launcher
/// itself be killed, its running commands run on but nobody learns their exit codes: their ends are then learnt by
/// watching their pids, as after an agent restart, and reported as unknown; the next start starts a new launcher.
/// Where no launcher can be started, the driver starts a <c>wharf-task</c> per task (<see cref="SupervisorProcess.Start"/>).
/// </remarks>
internal sealed class TaskLauncher
{
    private const int Started = 1;
    private const int Ended = 2;
    private const int ReplySize = 32;
    private static readonly TimeSpan OrphanPollInterval = TimeSpan.FromMilliseconds(50);
    private static readonly string[] Steps =
        ["", "vfork", "entering the network namespace", "setsid", "entering the working folder", "opening the log files", "the request", "running the command"];
    private static readonly Lock StartGate = new();
    private static TaskLauncher? _current;

    private readonly int _socket;
    private readonly ConcurrentDictionary<ulong, TaskCompletionSource<Reply>> _starts = new();
    private readonly ConcurrentDictionary<int, LaunchedCommand> _exits = new();
    private long _nextRequest;
    private volatile bool _closed;

    private TaskLauncher(int socket, int pid)
    {
        _socket = socket;
        Pid = pid;
        new Thread(Read) { IsBackground = true, Name = "wharf-launcher" }.Start();
    }

    /// <summary>The launcher's process id.</summary>
    public int Pid { get; }

    /// <summary>Whether the launcher answers no more (it ended, or was told no more requests come).</summary>
    public bool IsClosed => _closed;

    /// <summary>The running launcher, started now when there is none; null when it cannot be started here.</summary>
    public static TaskLauncher? For(string supervisor)
    {
        lock (StartGate)
        {
            if (_current is { _closed: false } running)
            {
                return running;
            }

            _current = StartNew(supervisor);
            return _current;
        }
    }

    /// <summary>
    /// Starts the command of <paramref name="command"/> (<c>wharf-task</c>'s arguments: the exit-status file, then the
    /// command; its log files set), inside the network namespace open at <paramref name="networkNamespace"/> when given. Throws
    /// <see cref="System.ComponentModel.Win32Exception"/> with the reason when it could not be started.
    /// </summary>
    public async Task<SupervisorProcess> StartAsync(LaunchCommand command, SafeFileHandle? networkNamespace)
    {
        ArgumentNullException.ThrowIfNull(command);
        var files = command.LogFiles ?? throw new ArgumentException("the launcher starts only tasks whose output goes to their log files", nameof(command));
        var id = (ulong)Interlocked.Increment(ref _nextRequest);
        var reply = new TaskCompletionSource<Reply>(TaskCreationOptions.RunContinuationsAsynchronously);
        _starts[id] = reply;
        try
        {
            var message = Request(id, command, files);
            var added = false;
            try
            {
                networkNamespace?.DangerousAddRef(ref added);
                var fd = added ? (int)networkNamespace!.DangerousGetHandle() : -1;
                var error = Libc.SendWithDescriptor(_socket, message, fd);
                if (error != 0)
                {
                    throw new System.ComponentModel.Win32Exception(error, $"the task launcher cannot be reached: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(error)}");
                }
            }
            finally
            {
                if (added) networkNamespace!.DangerousRelease();
            }

            // The launcher may have ended after the send, before answering: Close fails what it never answered.
            if (_closed) Close();
            var answer = await reply.Task.ConfigureAwait(false);
            if (answer.Error != 0)
            {
                var step = answer.Step >= 0 && answer.Step < Steps.Length ? Steps[answer.Step] : "starting";
                throw new System.ComponentModel.Win32Exception(answer.Error, $"{command.Arguments[1]}: {step}: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(answer.Error)}");
            }

            return SupervisorProcess.Launched(answer.Pid, answer.Command!);
        }
        finally
        {
            _starts.TryRemove(id, out _);
        }
    }

    /// <summary>
    /// Tells the launcher no more requests come, as the agent's exit does: it answers no more, goes on waiting for what
    /// it started, writing each end to its file, and exits after the last.
    /// </summary>
    public void Disconnect() => Libc.ShutdownWrites(_socket);

    /// <summary>Starts a launcher of its own (the driver shares one, <see cref="For"/>); null when it cannot be started here.</summary>
    public static TaskLauncher? StartNew(string supervisor)
    {
        if (!OperatingSystem.IsLinux() || Libc.SeqpacketPair() is not var (ours, theirs))
        {
            return null;
        }

        try
        {
            // Not the agent's own output: the launcher outlives the agent while tasks run, and would hold it open.
            using var nowhere = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Write);
            var devNull = (int)nowhere.DangerousGetHandle();
            var pid = Libc.SpawnSessionLeader(supervisor, ["--serve"], new Dictionary<string, string>(), "/", devNull, devNull, standardInput: theirs);
            var launcher = new TaskLauncher(ours, pid);
            // The launcher is this process's child: reaped here; its end also shows on the socket.
            _ = ChildReaper.Shared.WaitAsync(pid);
            return launcher;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Libc.CloseDescriptor(ours);
            return null;
        }
        finally
        {
            Libc.CloseDescriptor(theirs);
        }
    }

    /// <summary>The request id, then NUL-terminated strings (see <c>native/wharf-task.c</c>).</summary>
    private static byte[] Request(ulong id, LaunchCommand command, (string Output, string Error) files)
    {
        var strings = new List<string>(6 + command.Arguments.Count + command.Environment.Count)
        {
            command.WorkingDirectory,
            files.Output,
            files.Error,
            command.Arguments[0],
            (command.Arguments.Count - 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        strings.AddRange(command.Arguments.Skip(1));
        strings.AddRange(command.Environment.Select(e => $"{e.Key}={e.Value}"));
        var size = sizeof(ulong) + strings.Sum(s => Encoding.UTF8.GetByteCount(s) + 1);
        var message = new byte[size];
        BinaryPrimitives.WriteUInt64LittleEndian(message, id);
        var at = sizeof(ulong);
        foreach (var text in strings)
        {
            at += Encoding.UTF8.GetBytes(text, message.AsSpan(at));
            message[at++] = 0;
        }

        return message;
    }

    private void Read()
    {
        var buffer = new byte[ReplySize];
        while (Libc.Receive(_socket, buffer) == ReplySize)
        {
            var kind = BinaryPrimitives.ReadInt32LittleEndian(buffer);
            var pid = BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(4));
            var value = BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(8));
            var detail = BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(12));
            if (kind == Ended)
            {
                if (_exits.TryRemove(pid, out var ended))
                {
                    ended.TreeEnded = detail == 1;
                    ended.Exit.TrySetResult(value);
                }

                continue;
            }

            var id = BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(16));
            var startTime = (long)BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(24));
            LaunchedCommand? command = null;
            if (kind == Started && value == 0)
            {
                // Known before the start is answered, so that an end read next always finds it.
                command = new LaunchedCommand(startTime);
                _exits[pid] = command;
            }

            if (_starts.TryGetValue(id, out var start))
            {
                start.TrySetResult(new Reply(pid, value, detail, command));
            }
        }

        // The socket stays open (a send races with this, and must not reach a descriptor that has been reused): a
        // send to a launcher that has ended fails with EPIPE. One descriptor per launcher that ended, which is rare.
        _closed = true;
        Close();
    }

    /// <summary>After the launcher ended: fails the starts it never answered and watches the commands it left.</summary>
    private void Close()
    {
        foreach (var (id, start) in _starts)
        {
            start.TrySetResult(new Reply(0, Libc.Epipe, 0, null));
            _starts.TryRemove(id, out _);
        }

        foreach (var (pid, command) in _exits)
        {
            if (_exits.TryRemove(pid, out _))
            {
                _ = WatchOrphanAsync(pid, command);
            }
        }
    }

    /// <summary>A command whose launcher ended: it is nobody's child here, so its end is seen in <c>/proc</c>.</summary>
    private static async Task WatchOrphanAsync(int pid, LaunchedCommand command)
    {
        while (ProcessTask.IsLeaderAlive(pid, command.StartTime))
        {
            await Task.Delay(OrphanPollInterval).ConfigureAwait(false);
        }

        // Unknown: nobody waited for it to write its exit-status file.
        command.Exit.TrySetResult(null);
    }

    private readonly record struct Reply(int Pid, int Error, int Step, LaunchedCommand? Command);
}

/// <summary>A command the task launcher started: when it started and, once it has ended, how.</summary>
internal sealed class LaunchedCommand(long startTime)
{
    /// <summary>When the command started (clock ticks since boot, as in <c>/proc</c>).</summary>
    public long StartTime { get; } = startTime;

    /// <summary>Its exit code (128 + the signal for one a signal ended); null when its launcher ended first.</summary>
    public TaskCompletionSource<int?> Exit { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Whether the launcher, a child subreaper, saw no process of the task left when the command ended; set before
    /// <see cref="Exit"/> completes.
    /// </summary>
    public bool TreeEnded { get; set; }
}
