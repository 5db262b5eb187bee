using Wharf.Drivers.Process;

namespace Wharf.Agent.Tests.Support;

/// <summary>
/// A test that needs the process driver's network isolation (Linux, root, iproute2); skipped with the reason
/// where the machine does not allow it.
/// </summary>
public sealed class IsolationFactAttribute : FactAttribute
{
    public IsolationFactAttribute()
    {
        var capabilities = Capabilities.Value;
        if (!capabilities.NetworkIsolation)
        {
            Skip = "needs network isolation: " + string.Join("; ", capabilities.Limitations.Where(l => l.Contains("network", StringComparison.Ordinal)));
        }
    }

    internal static readonly Lazy<Wharf.Agent.Drivers.DriverCapabilities> Capabilities = new(() =>
    {
        var driver = new ProcessDriver();
        var capabilities = driver.Capabilities;
        driver.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return capabilities;
    });
}
