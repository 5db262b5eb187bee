namespace Wharf.Scheduling;

/// <summary>
/// How a filter's members fare against one instance demand at one moment of the pass: how many have room, how
/// many are too small, busy, or blocked by held capacity, and the largest free and total amounts. Jobs that differ
/// only in rank count share it while no capacity changes.
/// </summary>
internal sealed class CapacityScan
{
    public const int HeldSlot = 4;

    private CapacityScan(long version) => Version = version;

    /// <summary>The pass's capacity version when taken; a scan is reused only while it is unchanged.</summary>
    public long Version { get; }

    /// <summary>Members counted by failing dimension (cpu, memory, gpu, disk), then held for another job.</summary>
    public int[] Counts { get; } = new int[5];

    public int Matching { get; private set; }

    public int Fitting { get; private set; }

    public long Room { get; private set; }

    public int TooSmall { get; private set; }

    public int Busy { get; private set; }

    public int Held { get; private set; }

    public int Holder { get; private set; } = -1;

    public Resources MaxAvail { get; private set; }

    public Resources MaxTotal { get; private set; }

    public static CapacityScan Take(NodeTable nodes, int[] members, in Resources need, long version)
    {
        var scan = new CapacityScan(version) { Matching = members.Length };
        var maxAvail = new Resources(long.MinValue, long.MinValue, long.MinValue, long.MinValue);
        var maxTotal = maxAvail;
        foreach (var p in members)
        {
            var avail = nodes.Avail[p];
            var total = nodes.Total[p];
            maxAvail = Resources.Max(maxAvail, avail);
            maxTotal = Resources.Max(maxTotal, total);
            if (need.FitsIn(avail))
            {
                scan.Fitting++;
                scan.Room += RoomFor(avail, need);
            }
            else if (!need.FitsIn(total))
            {
                scan.TooSmall++;
                scan.Counts[FirstShort(need, total)]++;
            }
            else if (need.FitsIn(avail + nodes.Held[p]))
            {
                scan.Held++;
                if (scan.Holder < 0) scan.Holder = nodes.Holder[p];
                scan.Counts[HeldSlot]++;
            }
            else
            {
                scan.Busy++;
                scan.Counts[FirstShort(need, avail)]++;
            }
        }

        scan.MaxAvail = maxAvail;
        scan.MaxTotal = maxTotal;
        return scan;
    }

    /// <summary>The first dimension (cpu, memory, gpu, disk) where <paramref name="have"/> is short of <paramref name="need"/>, or 4.</summary>
    public static int FirstShort(in Resources need, in Resources have) =>
        need.CpuMillis > have.CpuMillis ? 0
        : need.MemoryMiB > have.MemoryMiB ? 1
        : need.Gpu > have.Gpu ? 2
        : need.DiskMiB > have.DiskMiB ? 3
        : 4;

    /// <summary>How many copies of <paramref name="need"/> fit in <paramref name="avail"/>.</summary>
    private static long RoomFor(in Resources avail, in Resources need)
    {
        var room = long.MaxValue / 4;
        if (need.CpuMillis > 0) room = Math.Min(room, avail.CpuMillis / need.CpuMillis);
        if (need.MemoryMiB > 0) room = Math.Min(room, avail.MemoryMiB / need.MemoryMiB);
        if (need.Gpu > 0) room = Math.Min(room, avail.Gpu / need.Gpu);
        if (need.DiskMiB > 0) room = Math.Min(room, avail.DiskMiB / need.DiskMiB);
        return room;
    }
}
