namespace Wharf.Domain.Agents;

/// <summary>An amount of compute: cores, memory, GPUs and disk. Used for a node's capacity and a rank's demand.</summary>
/// <param name="Cpu">Cores (fractions allowed).</param>
/// <param name="MemoryInGigs">Memory in GiB.</param>
/// <param name="Gpu">Whole GPUs.</param>
/// <param name="DiskInGigs">Disk in GiB.</param>
public sealed record NodeResources(double Cpu, double MemoryInGigs, int Gpu = 0, double DiskInGigs = 0);
