using System.Globalization;
using System.Runtime.InteropServices;
using Wharf.Domain.Agents;

namespace Wharf.Cli.Hosting;

/// <summary>
/// The node <c>wharf agent</c> declares when it is given a name, labels or capacity: this host as the agent would
/// describe it (processors, memory, the data folder's disk; labels <c>arch</c>, <c>os</c>, <c>node</c>) with the given
/// values in place of those.
/// </summary>
internal static class NodeDescription
{
    private const double BytesPerGig = 1024d * 1024 * 1024;

    public static NodeRegistration Describe(
        string dataDirectory, string? name, IReadOnlyDictionary<string, string> labels, double? cpu, double? memoryInGigs, IReadOnlyList<string> drivers)
    {
        var nodeName = name ?? Environment.MachineName;
        var merged = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["arch"] = RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(),
            ["os"] = OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsMacOS() ? "darwin" : OperatingSystem.IsWindows() ? "windows" : "other",
            ["node"] = nodeName,
        };
        foreach (var (key, value) in labels)
        {
            merged[key] = value;
        }

        var capacity = new NodeResources(
            cpu ?? Environment.ProcessorCount,
            memoryInGigs ?? Math.Round(MemoryBytes() / BytesPerGig, 2),
            Gpu: 0,
            DiskInGigs: Math.Round(DiskBytes(dataDirectory) / BytesPerGig, 2));
        return new NodeRegistration(nodeName, capacity, merged, drivers);
    }

    /// <summary>Reads <c>key=value</c> labels; throws <see cref="UsageException"/> naming the option for anything else.</summary>
    public static Dictionary<string, string> ParseLabels(IEnumerable<string> pairs, string optionName)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new UsageException($"{optionName}: '{pair}' is not KEY=VALUE");
            }

            labels[pair[..equals].Trim()] = pair[(equals + 1)..].Trim();
        }

        return labels;
    }

    private static long MemoryBytes()
    {
        try
        {
            foreach (var line in File.Exists("/proc/meminfo") ? File.ReadLines("/proc/meminfo") : [])
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                // The kernel writes "kB" and means KiB.
                if (parts is ["MemTotal:", var kib, ..] && long.TryParse(kib, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                {
                    return value * 1024;
                }
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
