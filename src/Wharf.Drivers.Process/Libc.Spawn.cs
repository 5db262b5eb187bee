using System.Runtime.InteropServices;

namespace Wharf.Drivers.Process;

/// <summary>
/// posix_spawn(3) with a new session, pipes, and waiting for a child's exit through a pidfd (glibc on Linux): what
/// <see cref="System.Diagnostics.Process"/> cannot do without running <c>setsid</c> as one more program per task.
/// </summary>
internal static partial class Libc
{
    public const int Echild = 10;
    public const int Eintr = 4;
    public const int OpenCloseOnExec = 0x80000;

    // glibc's <spawn.h>.
    private const short SpawnSetSignalDefaults = 0x04;
    private const short SpawnSetSignalMask = 0x08;
    private const short SpawnSetSession = 0x80;

    // posix_spawnattr_t is 336 bytes, posix_spawn_file_actions_t 80 and sigset_t 128 on 64-bit glibc: room to spare.
    private const int SpawnStructureSize = 512;
    private const int SignalSetSize = 128;
    private const long PidfdOpenSyscall = 434;

    /// <summary>
    /// Starts <paramref name="program"/> (a full path) as the leader of a new session, every signal at its default
    /// and none blocked (the runtime ignores SIGPIPE, which a child would otherwise inherit), in
    /// <paramref name="workingDirectory"/>, with standard input from /dev/null and standard output and error on the
    /// given descriptors (standard input too when <paramref name="standardInput"/> is one). Returns the process id,
    /// or throws with the reason (posix_spawn reports a failed exec too).
    /// </summary>
    public static unsafe int SpawnSessionLeader(
        string program, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment,
        string workingDirectory, int standardOutput, int standardError, int standardInput = -1)
    {
        var memory = new List<IntPtr>();
        var actions = Allocate(memory, SpawnStructureSize);
        var attributes = Allocate(memory, SpawnStructureSize);
        var signals = Allocate(memory, SignalSetSize);
        var actionsReady = false;
        var attributesReady = false;
        try
        {
            Check(FileActionsInit(actions), "posix_spawn_file_actions_init");
            actionsReady = true;
            Check(
                standardInput >= 0 ? FileActionsAddDup2(actions, standardInput, 0) : FileActionsAddOpen(actions, 0, Utf8(memory, "/dev/null"), 0, 0),
                "posix_spawn_file_actions_addopen");
            Check(FileActionsAddDup2(actions, standardOutput, 1), "posix_spawn_file_actions_adddup2");
            Check(FileActionsAddDup2(actions, standardError, 2), "posix_spawn_file_actions_adddup2");
            Check(FileActionsAddChdir(actions, Utf8(memory, workingDirectory)), "posix_spawn_file_actions_addchdir_np");
            Check(AttributesInit(attributes), "posix_spawnattr_init");
            attributesReady = true;
            Check(AttributesSetFlags(attributes, SpawnSetSession | SpawnSetSignalMask | SpawnSetSignalDefaults), "posix_spawnattr_setflags");
            SignalEmptySet(signals);
            Check(AttributesSetSignalMask(attributes, signals), "posix_spawnattr_setsigmask");
            SignalFillSet(signals);
            Check(AttributesSetSignalDefaults(attributes, signals), "posix_spawnattr_setsigdefault");

            var argv = StringArray(memory, [program, .. arguments]);
            var envp = StringArray(memory, [.. environment.Select(e => $"{e.Key}={e.Value}")]);
            var error = PosixSpawn(out var pid, Utf8(memory, program), actions, attributes, argv, envp);
            return error == 0
                ? pid
                : throw new System.ComponentModel.Win32Exception(error, $"{program}: {Marshal.GetPInvokeErrorMessage(error)}");
        }
        finally
        {
            if (actionsReady) FileActionsDestroy(actions);
            if (attributesReady) AttributesDestroy(attributes);
            foreach (var block in memory)
            {
                NativeMemory.Free((void*)block);
            }
        }
    }

    /// <summary>A pipe whose two ends are closed on exec (a dup2 in the child's file actions clears that on the copy).</summary>
    public static unsafe (int Read, int Write) Pipe()
    {
        var fds = stackalloc int[2];
        return Pipe2(fds, OpenCloseOnExec) == 0
            ? (fds[0], fds[1])
            : throw new IOException($"a pipe cannot be made (errno {Marshal.GetLastPInvokeError()})");
    }

    /// <summary>Closes a descriptor this process opened itself.</summary>
    public static void CloseDescriptor(int fd) => Close(fd);

    /// <summary>pidfd_open(2): a descriptor that becomes readable when the process ends; -1 where the kernel has none (before 5.3).</summary>
    public static int OpenPidfd(int pid) => (int)Syscall(PidfdOpenSyscall, pid, 0);

    /// <summary>
    /// Reaps an ended child; returns its status as a shell reports it (128 + the signal for one a signal ended),
    /// 0 as the pid when it is still running (with <paramref name="block"/> false), or -1 when it is not a child (any more).
    /// </summary>
    public static (int Pid, int ExitCode) Reap(int pid, bool block)
    {
        while (true)
        {
            var result = WaitPid(pid, out var status, block ? 0 : 1);
            if (result < 0 && Marshal.GetLastPInvokeError() == Eintr)
            {
                continue;
            }

            if (result <= 0)
            {
                return (result, 0);
            }

            var signal = status & 0x7f;
            return (result, signal == 0 ? (status >> 8) & 0xff : 128 + signal);
        }
    }

    /// <summary>Whether <paramref name="path"/> is a regular file that this process may execute (access(2) with X_OK).</summary>
    public static bool IsExecutableFile(string path) => File.Exists(path) && Access(path, 1) == 0;

    /// <summary>epoll_create1(2), closed on exec.</summary>
    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int EpollCreate(int flags);

    /// <summary>Adds <paramref name="fd"/> to an epoll set, to report readability once with <paramref name="data"/>.</summary>
    public static unsafe int EpollAdd(int epoll, int fd, ulong data)
    {
        var buffer = stackalloc byte[16];
        WriteEvent(buffer, EpollIn | EpollOneShot, data);
        return EpollControl(epoll, 1, fd, buffer);
    }

    /// <summary>Waits for events; fills <paramref name="data"/> with theirs and returns how many (-1 on error).</summary>
    public static unsafe int EpollWait(int epoll, Span<ulong> data)
    {
        var size = EpollEventSize;
        var buffer = stackalloc byte[size * data.Length];
        var count = EpollWaitNative(epoll, buffer, data.Length, -1);
        for (var i = 0; i < count; i++)
        {
            data[i] = *(ulong*)(buffer + (i * size) + EpollDataOffset);
        }

        return count;
    }

    private const uint EpollIn = 0x001;
    private const uint EpollOneShot = 1u << 30;

    // struct epoll_event is packed (12 bytes) on x86-64 only; elsewhere the 64-bit data is aligned (16 bytes).
    private static int EpollEventSize => RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    private static int EpollDataOffset => RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    private static unsafe void WriteEvent(byte* buffer, uint events, ulong data)
    {
        *(uint*)buffer = events;
        *(ulong*)(buffer + EpollDataOffset) = data;
    }

    private static unsafe void* Allocate(List<IntPtr> memory, int size)
    {
        var block = NativeMemory.AllocZeroed((nuint)size);
        memory.Add((IntPtr)block);
        return block;
    }

    private static unsafe byte* Utf8(List<IntPtr> memory, string text)
    {
        var count = System.Text.Encoding.UTF8.GetByteCount(text);
        var block = (byte*)Allocate(memory, count + 1);
        System.Text.Encoding.UTF8.GetBytes(text, new Span<byte>(block, count));
        return block;
    }

    private static unsafe byte** StringArray(List<IntPtr> memory, IReadOnlyList<string> items)
    {
        var array = (byte**)Allocate(memory, (items.Count + 1) * sizeof(byte*));
        for (var i = 0; i < items.Count; i++)
        {
            array[i] = Utf8(memory, items[i]);
        }

        return array;
    }

    private static void Check(int error, string call)
    {
        if (error != 0)
        {
            throw new System.ComponentModel.Win32Exception(error, $"{call}: {Marshal.GetPInvokeErrorMessage(error)}");
        }
    }

    [LibraryImport("libc", EntryPoint = "posix_spawn")]
    private static unsafe partial int PosixSpawn(out int pid, byte* path, void* fileActions, void* attributes, byte** argv, byte** envp);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_init")]
    private static unsafe partial int FileActionsInit(void* actions);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_destroy")]
    private static unsafe partial int FileActionsDestroy(void* actions);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_addopen")]
    private static unsafe partial int FileActionsAddOpen(void* actions, int fd, byte* path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_adddup2")]
    private static unsafe partial int FileActionsAddDup2(void* actions, int fd, int newFd);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_addchdir_np")]
    private static unsafe partial int FileActionsAddChdir(void* actions, byte* path);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_init")]
    private static unsafe partial int AttributesInit(void* attributes);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_destroy")]
    private static unsafe partial int AttributesDestroy(void* attributes);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setflags")]
    private static unsafe partial int AttributesSetFlags(void* attributes, short flags);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setsigmask")]
    private static unsafe partial int AttributesSetSignalMask(void* attributes, void* signals);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setsigdefault")]
    private static unsafe partial int AttributesSetSignalDefaults(void* attributes, void* signals);

    [LibraryImport("libc", EntryPoint = "sigemptyset")]
    private static unsafe partial int SignalEmptySet(void* signals);

    [LibraryImport("libc", EntryPoint = "sigfillset")]
    private static unsafe partial int SignalFillSet(void* signals);

    [LibraryImport("libc", EntryPoint = "pipe2", SetLastError = true)]
    private static unsafe partial int Pipe2(int* fds, int flags);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, long first, long second);

    [LibraryImport("libc", EntryPoint = "access", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Access(string path, int mode);

    [LibraryImport("libc", EntryPoint = "waitpid", SetLastError = true)]
    private static partial int WaitPid(int pid, out int status, int options);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    private static unsafe partial int EpollControl(int epoll, int operation, int fd, byte* @event);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    private static unsafe partial int EpollWaitNative(int epoll, byte* events, int maxEvents, int timeout);
}
