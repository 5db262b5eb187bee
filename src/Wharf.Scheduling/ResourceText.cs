using System.Globalization;

namespace Wharf.Scheduling;

/// <summary>How amounts of resources are written in reasons: <c>1.5 cpu</c>, <c>16 GiB</c>, <c>512 MiB</c>.</summary>
internal static class ResourceText
{
    /// <summary>The name of each dimension in reasons and explanation keys, in the scheduler's check order.</summary>
    public static readonly string[] DimensionNames = ["cpu", "memory", "gpu", "disk"];

    public static string Describe(in Resources r)
    {
        var parts = new List<string>(4);
        if (r.CpuMillis != 0) parts.Add(Format(r, 0));
        if (r.MemoryMiB != 0) parts.Add(Format(r, 1) + " memory");
        if (r.Gpu != 0) parts.Add(Format(r, 2));
        if (r.DiskMiB != 0) parts.Add(Format(r, 3) + " disk");
        return parts.Count == 0 ? "nothing" : string.Join(", ", parts);
    }

    /// <summary>One dimension of <paramref name="r"/> with its unit: <c>4 cpu</c>, <c>16 GiB</c>, <c>2 gpu</c>, <c>10 GiB</c>.</summary>
    public static string Format(in Resources r, int dimension) => dimension switch
    {
        0 => Cores(r.CpuMillis) + " cpu",
        1 => Bytes(r.MemoryMiB),
        2 => r.Gpu.ToString(CultureInfo.InvariantCulture) + " gpu",
        _ => Bytes(r.DiskMiB),
    };

    public static long Get(in Resources r, int dimension) => dimension switch
    {
        0 => r.CpuMillis,
        1 => r.MemoryMiB,
        2 => r.Gpu,
        _ => r.DiskMiB,
    };

    private static string Cores(long millis) =>
        (millis / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);

    private static string Bytes(long mib) =>
        mib % 1024 == 0
            ? (mib / 1024).ToString(CultureInfo.InvariantCulture) + " GiB"
            : mib.ToString(CultureInfo.InvariantCulture) + " MiB";
}
