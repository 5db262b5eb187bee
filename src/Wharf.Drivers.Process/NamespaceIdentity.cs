using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace Wharf.Drivers.Process;

/// <summary>
/// Which network namespace a handle or a process refers to, as the kernel's <c>/proc</c> links name it
/// (<c>net:[4026532301]</c>); <see cref="ProcStat.InNetworkNamespace"/> finds the processes that run in one.
/// </summary>
internal static class NamespaceIdentity
{
    /// <summary>The identity of the namespace open at <paramref name="handle"/>.</summary>
    public static string? Of(SafeFileHandle handle) =>
        Read($"/proc/self/fd/{handle.DangerousGetHandle().ToString(CultureInfo.InvariantCulture)}");

    /// <summary>The identity of the network namespace of a process; null when it is gone or cannot be read.</summary>
    public static string? Of(int pid) => Read($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/ns/net");

    /// <summary>The identity of the namespace bound at a path (<c>/run/netns/NAME</c>); null when there is none.</summary>
    public static string? AtPath(string path) =>
        Libc.InodeOf(path) is { } inode ? string.Create(CultureInfo.InvariantCulture, $"net:[{inode}]") : null;

    private static string? Read(string link)
    {
        try
        {
            return new FileInfo(link).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
