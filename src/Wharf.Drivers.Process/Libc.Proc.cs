using System.Runtime.InteropServices;

namespace Wharf.Drivers.Process;

/// <summary>
/// Reading <c>/proc</c> with bare system calls: listing it, reading a process's small files into a caller's buffer, and
/// asking for a process's session. The process table is read on every task stop, so what a FileStream or a string per
/// process costs (an fstat, a second read, allocations) is paid hundreds of times per stop.
/// </summary>
internal static partial class Libc
{
    /// <summary>AT_FDCWD: a path given to an *at call is taken as it is (absolute paths need no directory).</summary>
    public const int AtCurrentDirectory = -100;

    /// <summary>O_RDONLY | O_CLOEXEC (the same bits on x86-64 and arm64): a descriptor no started program inherits.</summary>
    private const int ProcReadFlags = 0x80000;

    /// <summary>getsid(2): the session of any process, one system call and no file; -1 (errno ESRCH) when it is gone.</summary>
    [LibraryImport("libc", EntryPoint = "getsid", SetLastError = true)]
    public static partial int GetSessionOf(int pid);

    /// <summary>Opens <c>/proc</c> for listing and as the directory of the relative paths below; -1 when it cannot.</summary>
    public static unsafe int OpenProcDirectory()
    {
        var path = "/proc\0"u8;
        fixed (byte* p = path)
        {
            return ProcOpenAt(AtCurrentDirectory, p, ProcReadFlags, 0);
        }
    }

    /// <summary>
    /// Reads the file at <paramref name="path"/> (NUL-terminated; relative to <paramref name="directory"/>) into
    /// <paramref name="buffer"/> with one read: a <c>/proc</c> file of one record is produced whole by its first read.
    /// Returns the bytes read, or -1 when the file cannot be opened or read (the process is gone).
    /// </summary>
    public static unsafe int ReadProcFile(int directory, ReadOnlySpan<byte> path, Span<byte> buffer)
    {
        int fd;
        fixed (byte* p = path)
        {
            fd = ProcOpenAt(directory, p, ProcReadFlags, 0);
        }

        if (fd < 0)
        {
            return -1;
        }

        try
        {
            fixed (byte* b = buffer)
            {
                return (int)ProcRead(fd, b, (nuint)buffer.Length);
            }
        }
        finally
        {
            Close(fd);
        }
    }

    /// <summary>The target of the symbolic link at <paramref name="path"/> (NUL-terminated), or -1 when it cannot be read.</summary>
    public static unsafe int ReadProcLink(int directory, ReadOnlySpan<byte> path, Span<byte> buffer)
    {
        fixed (byte* p = path)
        fixed (byte* b = buffer)
        {
            return (int)ProcReadLinkAt(directory, p, b, (nuint)buffer.Length);
        }
    }

    /// <summary>getdents64(2): fills <paramref name="buffer"/> with the next entries of the directory; 0 at its end, -1 on error.</summary>
    public static unsafe int ReadDirectoryEntries(int directory, Span<byte> buffer)
    {
        fixed (byte* b = buffer)
        {
            return (int)ProcListEntries(directory, b, (nuint)buffer.Length);
        }
    }

    // openat is variadic (the mode); passing it always keeps the call well formed on every ABI.
    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true)]
    private static unsafe partial int ProcOpenAt(int directory, byte* path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static unsafe partial nint ProcRead(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "readlinkat", SetLastError = true)]
    private static unsafe partial nint ProcReadLinkAt(int directory, byte* path, byte* buffer, nuint size);

    [LibraryImport("libc", EntryPoint = "getdents64", SetLastError = true)]
    private static unsafe partial nint ProcListEntries(int fd, byte* buffer, nuint count);
}
