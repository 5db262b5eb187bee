using System.Runtime.InteropServices;

namespace Wharf.Drivers.Process;

/// <summary>The socket the agent talks to its task launcher on: a SOCK_SEQPACKET pair, and sends that carry a descriptor.</summary>
internal static partial class Libc
{
    public const int Epipe = 32;

    private const int AfUnix = 1;
    private const int SockSeqpacket = 5;
    private const int SockCloseOnExec = 0x80000;
    private const int SolSocket = 1;
    private const int ScmRights = 1;
    private const int MsgNoSignal = 0x4000;

    /// <summary>A connected SOCK_SEQPACKET pair, both ends closed on exec; null when it cannot be made.</summary>
    public static unsafe (int Ours, int Theirs)? SeqpacketPair()
    {
        var fds = stackalloc int[2];
        return SocketPair(AfUnix, SockSeqpacket | SockCloseOnExec, 0, fds) == 0 ? (fds[0], fds[1]) : null;
    }

    /// <summary>
    /// Sends <paramref name="message"/> as one message, with a copy of <paramref name="fd"/> when it is not -1
    /// (SCM_RIGHTS); blocks while the socket is full. Returns errno, 0 when sent.
    /// </summary>
    public static unsafe int SendWithDescriptor(int socket, byte[] message, int fd)
    {
        fixed (byte* data = message)
        {
            var part = new IoVector { Base = data, Length = (nuint)message.Length };
            var control = default(RightsControl);
            var header = new MessageHeader { Iov = &part, IovLength = 1 };
            if (fd >= 0)
            {
                // CMSG_LEN(sizeof(int)) = the 16-byte header and the descriptor; the buffer is CMSG_SPACE (aligned to 8).
                control.Length = 20;
                control.Level = SolSocket;
                control.Type = ScmRights;
                control.Fd = fd;
                header.Control = &control;
                header.ControlLength = (nuint)sizeof(RightsControl);
            }

            while (true)
            {
                if (SendMessage(socket, &header, MsgNoSignal) >= 0)
                {
                    return 0;
                }

                var error = Marshal.GetLastPInvokeError();
                if (error != Eintr)
                {
                    return error;
                }
            }
        }
    }

    /// <summary>Receives one message into <paramref name="buffer"/>, blocking; returns its length, 0 at the end, -1 on error.</summary>
    public static unsafe int Receive(int socket, byte[] buffer)
    {
        fixed (byte* data = buffer)
        {
            while (true)
            {
                var length = ReceiveNative(socket, data, (nuint)buffer.Length, 0);
                if (length >= 0 || Marshal.GetLastPInvokeError() != Eintr)
                {
                    return (int)length;
                }
            }
        }
    }

    /// <summary>shutdown(2) with SHUT_WR: the peer reads the end of what this side sends.</summary>
    public static void ShutdownWrites(int socket) => Shutdown(socket, 1);

    [LibraryImport("libc", EntryPoint = "shutdown")]
    private static partial int Shutdown(int socket, int how);

    [LibraryImport("libc", EntryPoint = "socketpair", SetLastError = true)]
    private static unsafe partial int SocketPair(int domain, int type, int protocol, int* fds);

    [LibraryImport("libc", EntryPoint = "sendmsg", SetLastError = true)]
    private static unsafe partial nint SendMessage(int socket, MessageHeader* message, int flags);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    private static unsafe partial nint ReceiveNative(int socket, byte* buffer, nuint length, int flags);

    /// <summary>struct iovec.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct IoVector
    {
        public byte* Base;
        public nuint Length;
    }

    /// <summary>struct msghdr (64-bit Linux: the padding after the name length comes from natural alignment).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct MessageHeader
    {
        public void* Name;
        public int NameLength;
        public IoVector* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    /// <summary>A struct cmsghdr carrying one descriptor, CMSG_SPACE(sizeof(int)) = 24 bytes on 64-bit Linux.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 24)]
    private struct RightsControl
    {
        public nuint Length;
        public int Level;
        public int Type;
        public int Fd;
    }
}
