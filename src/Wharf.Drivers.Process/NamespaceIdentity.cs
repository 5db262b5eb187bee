using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace Wharf.Drivers.Process;

/// <summary>
/// Which network namespace a handle or a process refers to, as the kernel's <c>/proc</c> links name it
/// (<c>net:[4026532301]</c>), and which processes run in one: what <c>ip netns pids</c> finds, without starting it.
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

    /// <summary>The processes that run in the namespace with this identity.</summary>
    public static List<int> Members(string identity)
    {
        var members = new List<int>();
        IEnumerable<string> entries;
        try
        {
            entries = Directory.EnumerateDirectories("/proc");
        }
        catch (IOException)
        {
            return members;
        }

        foreach (var entry in entries)
        {
            if (int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && pid != Environment.ProcessId && Of(pid) == identity)
            {
                members.Add(pid);
            }
        }

        return members;
    }

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
