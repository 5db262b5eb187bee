namespace Wharf.Domain.Jobs;

/// <summary>
/// What an admission-only job holds: instances, each placed whole on one node, all at once or none; optionally only
/// on nodes of one host aggregate.
/// </summary>
/// <param name="Instances">The instances, in order; instance i becomes rank i.</param>
/// <param name="HostAggregate">When set, only nodes labelled <c>aggregate=&lt;value&gt;</c> are used.</param>
public sealed record AdmissionDemand(IReadOnlyList<InstanceDemand> Instances, string? HostAggregate = null);

/// <summary>One instance of an admission-only job: virtual CPUs, memory in MiB and disk in GiB (OpenStack's units).</summary>
/// <param name="Vcpu">Virtual CPUs (whole cores).</param>
/// <param name="MemoryMiB">Memory in MiB.</param>
/// <param name="DiskGiB">Disk in GiB.</param>
public sealed record InstanceDemand(int Vcpu, long MemoryMiB, long DiskGiB);
