namespace Wharf.Scheduling;

/// <summary>Each owner's usage during a pass and its dominant resource share: the largest fraction of any one resource of the cluster it holds.</summary>
internal sealed class OwnerShares
{
    private readonly Resources[] _usage;
    private readonly Resources _cluster;

    public OwnerShares(Resources[] initialUsage, Resources cluster)
    {
        _usage = initialUsage;
        _cluster = cluster;
    }

    public void Add(int owner, in Resources amount) => _usage[owner] += amount;

    public double Share(int owner)
    {
        ref readonly var u = ref _usage[owner];
        var share = 0.0;
        if (_cluster.CpuMillis > 0) share = Math.Max(share, (double)u.CpuMillis / _cluster.CpuMillis);
        if (_cluster.MemoryMiB > 0) share = Math.Max(share, (double)u.MemoryMiB / _cluster.MemoryMiB);
        if (_cluster.Gpu > 0) share = Math.Max(share, (double)u.Gpu / _cluster.Gpu);
        if (_cluster.DiskMiB > 0) share = Math.Max(share, (double)u.DiskMiB / _cluster.DiskMiB);
        return share;
    }
}
