using System.Runtime.InteropServices;

namespace Wharf.Drivers.Process;

/// <summary>
/// The few system calls .NET does not offer: signals to whole process groups, and making, entering and naming network
/// namespaces (with their loopback brought up) without starting a program for it.
/// </summary>
internal static partial class Libc
{
    public const int SigTerm = 15;
    public const int SigKill = 9;
    public const int CloneNewNet = 0x40000000;
    public const int Esrch = 3;
    public const int MountBind = 4096;

    private const int AfInet = 2;
    private const int SockDgram = 2;
    private const nuint SiocGetInterfaceFlags = 0x8913;
    private const nuint SiocSetInterfaceFlags = 0x8914;
    private const short InterfaceUp = 1;

    /// <summary>kill(2): a negative id signals the whole process group.</summary>
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    /// <summary>setns(2): moves the calling thread (only it) into the namespace open at <paramref name="fd"/>.</summary>
    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    public static partial int SetNamespace(int fd, int namespaceType);

    /// <summary>unshare(2): gives the calling thread (only it, for a network namespace) a new namespace.</summary>
    [LibraryImport("libc", EntryPoint = "unshare", SetLastError = true)]
    public static partial int Unshare(int flags);

    /// <summary>mount(2), for a bind mount that gives a namespace a name under <c>/run/netns</c>.</summary>
    [LibraryImport("libc", EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Mount(string source, string target, string type, nuint flags, IntPtr data);

    [LibraryImport("libc", EntryPoint = "stat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Stat(string path, byte* buffer);

    /// <summary>
    /// The inode number of what <paramref name="path"/> leads to (for a namespace bound at a path, the namespace's),
    /// or null when it cannot be read. st_ino follows the 8-byte st_dev in struct stat on 64-bit Linux.
    /// </summary>
    public static unsafe ulong? InodeOf(string path)
    {
        var buffer = stackalloc byte[256];
        return Stat(path, buffer) == 0 ? *(ulong*)(buffer + 8) : null;
    }

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static unsafe partial int Ioctl(int fd, nuint request, InterfaceRequest* request2);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    /// <summary>
    /// Brings the loopback interface of the calling thread's network namespace up (what <c>ip link set lo up</c> does,
    /// through SIOCSIFFLAGS on a socket of that namespace); returns errno, 0 on success.
    /// </summary>
    public static unsafe int BringLoopbackUp()
    {
        var fd = Socket(AfInet, SockDgram, 0);
        if (fd < 0)
        {
            return Marshal.GetLastPInvokeError();
        }

        try
        {
            var request = default(InterfaceRequest);
            request.Name[0] = (byte)'l';
            request.Name[1] = (byte)'o';
            if (Ioctl(fd, SiocGetInterfaceFlags, &request) != 0)
            {
                return Marshal.GetLastPInvokeError();
            }

            request.Flags |= InterfaceUp;
            return Ioctl(fd, SiocSetInterfaceFlags, &request) == 0 ? 0 : Marshal.GetLastPInvokeError();
        }
        finally
        {
            Close(fd);
        }
    }

    /// <summary>struct ifreq: the interface name, then (for the flag requests) its flags; 40 bytes on 64-bit Linux.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 40)]
    private unsafe struct InterfaceRequest
    {
        public fixed byte Name[16];
        public short Flags;
    }
}
