using Wharf.Drivers.Process;

namespace Wharf.Agent.Tests.Drivers;

/// <summary>The process driver on the host network, as where isolation is unavailable (not root, not Linux).</summary>
public sealed class HostNetworkProcessDriverConformanceTests : ProcessDriverConformanceTests
{
    protected override ProcessDriverOptions Options => new() { NetworkIsolation = NetworkIsolationMode.Disabled };
}
