using Wharf.Domain.Agents;
using Wharf.Domain.Catalog;

namespace Wharf.Scheduling;

/// <summary>
/// An amount of the four resources the scheduler counts: CPU in thousandths of a core, memory and disk in MiB, and
/// whole GPUs. Integers, so sums and comparisons are exact and a pass never drifts by rounding.
/// </summary>
/// <param name="CpuMillis">CPU in thousandths of a core (1 core = 1000).</param>
/// <param name="MemoryMiB">Memory in MiB.</param>
/// <param name="Gpu">Whole GPUs.</param>
/// <param name="DiskMiB">Disk in MiB.</param>
public readonly record struct Resources(long CpuMillis, long MemoryMiB, long Gpu = 0, long DiskMiB = 0)
{
    /// <summary>Nothing at all.</summary>
    public static Resources Zero => default;

    /// <summary>True when every amount here is at most the same amount in <paramref name="free"/>.</summary>
    public bool FitsIn(in Resources free) =>
        CpuMillis <= free.CpuMillis && MemoryMiB <= free.MemoryMiB && Gpu <= free.Gpu && DiskMiB <= free.DiskMiB;

    /// <summary>True when any amount is below zero.</summary>
    public bool IsNegative => CpuMillis < 0 || MemoryMiB < 0 || Gpu < 0 || DiskMiB < 0;

    /// <summary>The sum of two amounts, dimension by dimension.</summary>
    public static Resources operator +(Resources left, Resources right) => new(
        left.CpuMillis + right.CpuMillis, left.MemoryMiB + right.MemoryMiB, left.Gpu + right.Gpu, left.DiskMiB + right.DiskMiB);

    /// <summary>The difference of two amounts, dimension by dimension; may be negative.</summary>
    public static Resources operator -(Resources left, Resources right) => new(
        left.CpuMillis - right.CpuMillis, left.MemoryMiB - right.MemoryMiB, left.Gpu - right.Gpu, left.DiskMiB - right.DiskMiB);

    /// <summary>The sum of two amounts (the named form of <c>+</c>).</summary>
    public static Resources Add(Resources left, Resources right) => left + right;

    /// <summary>The difference of two amounts (the named form of <c>-</c>).</summary>
    public static Resources Subtract(Resources left, Resources right) => left - right;

    /// <summary>The larger amount of each dimension.</summary>
    public static Resources Max(in Resources left, in Resources right) => new(
        Math.Max(left.CpuMillis, right.CpuMillis), Math.Max(left.MemoryMiB, right.MemoryMiB),
        Math.Max(left.Gpu, right.Gpu), Math.Max(left.DiskMiB, right.DiskMiB));

    /// <summary>What one rank of <paramref name="product"/> receives (cores and GiB rounded to whole milli-cores and MiB).</summary>
    public static Resources FromProduct(Product product, long diskMiB = 0)
    {
        ArgumentNullException.ThrowIfNull(product);
        return new(ToMillis(product.Cpu), ToMiB(product.MemoryInGigs), product.Gpu, diskMiB);
    }

    /// <summary>The same amount as <paramref name="resources"/> (a node's capacity or a rank's demand as the agent protocol states it).</summary>
    public static Resources FromNodeResources(NodeResources resources)
    {
        ArgumentNullException.ThrowIfNull(resources);
        return new(ToMillis(resources.Cpu), ToMiB(resources.MemoryInGigs), resources.Gpu, ToMiB(resources.DiskInGigs));
    }

    /// <summary>The amount as a person reads it, e.g. <c>4 cpu, 16 GiB memory, 1 gpu</c>; zero dimensions are left out.</summary>
    public override string ToString() => ResourceText.Describe(this);

    private static long ToMillis(double cores) => checked((long)Math.Round(cores * 1000, MidpointRounding.AwayFromZero));

    private static long ToMiB(double gigs) => checked((long)Math.Round(gigs * 1024, MidpointRounding.AwayFromZero));
}
