namespace Wharf.Drivers.Process;

/// <summary>Settings of the process driver.</summary>
public sealed class ProcessDriverOptions
{
    /// <summary>Whether jobs get their own network namespaces; see <c>docs/networking.md</c>.</summary>
    public NetworkIsolationMode NetworkIsolation { get; init; } = NetworkIsolationMode.Auto;

    /// <summary>
    /// The host address on which isolated jobs' ports are forwarded and reported. The default keeps them on loopback;
    /// an address other nodes can reach lets jobs on other nodes use them as peers.
    /// </summary>
    public string PortAddress { get; init; } = "127.0.0.1";

    /// <summary>The clock for start times.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>How often a task taken back after a restart is checked for having ended, and logs are checked for new lines.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(100);
}
