namespace Wharf.Drivers.Process;

/// <summary>Whether the process driver gives jobs their own network namespaces.</summary>
public enum NetworkIsolationMode
{
    /// <summary>Isolate where the machine allows it (Linux, root, iproute2), otherwise use the host network.</summary>
    Auto,

    /// <summary>Always use the host network: no namespaces, peers at their addresses, no hostname resolution.</summary>
    Disabled,

    /// <summary>Refuse to start when isolation is not available.</summary>
    Required,
}
