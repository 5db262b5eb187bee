using System.Globalization;
using System.Runtime.InteropServices;
using Wharf.Domain.Agents;

namespace Wharf.Agent;

/// <summary>The node an agent declares when it is told of none: this host, with what it has.</summary>
public static class HostNode
{
    private const double BytesPerGig = 1024d * 1024 * 1024;

    /// <summary>
    /// One node named after the host: its processors, its memory, the size of the disk that holds
    /// <paramref name="dataDirectory"/>, labels <c>arch</c>, <c>os</c>, <c>node</c>, and the given driver kinds.
    /// </summary>
    public static NodeRegistration Describe(string dataDirectory, IEnumerable<string> driverKinds)
    {
        var name = Environment.MachineName;
        var capacity = new NodeResources(
            Environment.ProcessorCount,
            Math.Round(MemoryBytes() / BytesPerGig, 2),
            Gpu: 0,
            DiskInGigs: Math.Round(DiskBytes(dataDirectory) / BytesPerGig, 2));
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["arch"] = RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(),
            ["os"] = OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsMacOS() ? "darwin" : OperatingSystem.IsWindows() ? "windows" : "other",
            ["node"] = name,
        };
        return new NodeRegistration(name, capacity, labels, [.. driverKinds]);
    }

    /// <summary>The <c>MemTotal</c> of a <c>/proc/meminfo</c> text, in bytes; null when it has none.</summary>
    public static long? MemTotalBytes(string meminfo)
    {
        foreach (var line in meminfo.Split('\n'))
        {
            if (!line.StartsWith("MemTotal:", StringComparison.Ordinal))
            {
                continue;
            }

            var parts = line["MemTotal:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            // The kernel writes "kB" and means KiB.
            return parts.Length > 0 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var kib)
                ? kib * 1024
                : null;
        }

        return null;
    }

    private static long MemoryBytes()
    {
        try
        {
            if (File.Exists("/proc/meminfo") && MemTotalBytes(File.ReadAllText("/proc/meminfo")) is { } total)
            {
                return total;
            }
        }
        catch (IOException)
        {
            // Fall back to what the runtime sees.
        }

        return GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
    }

    private static long DiskBytes(string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
            return new DriveInfo(Path.GetFullPath(directory)).TotalSize;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return 0;
        }
    }
}
