namespace Wharf.Domain.Jobs;

/// <summary>
/// Wharf extension: what each rank needs when it is less than its product's whole size (compose's
/// <c>deploy.resources</c>, ICOS's <c>requirements</c>). The rank still runs on a node offering the product.
/// </summary>
/// <param name="Cpu">CPU cores (fractions allowed).</param>
/// <param name="MemoryMiB">Memory in MiB.</param>
/// <param name="Gpu">GPUs.</param>
public sealed record RankDemand(double Cpu, long MemoryMiB, int Gpu = 0);
