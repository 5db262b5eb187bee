using System.Runtime.InteropServices;

namespace Wharf.Drivers.Process;

/// <summary>The few system calls .NET does not offer: signals to whole process groups, and entering a network namespace.</summary>
internal static partial class Libc
{
    public const int SigTerm = 15;
    public const int SigKill = 9;
    public const int CloneNewNet = 0x40000000;
    public const int Esrch = 3;

    /// <summary>kill(2): a negative id signals the whole process group.</summary>
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    /// <summary>setns(2): moves the calling thread (only it) into the namespace open at <paramref name="fd"/>.</summary>
    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    public static partial int SetNamespace(int fd, int namespaceType);
}
