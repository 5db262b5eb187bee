namespace Wharf.Agent.Drivers;

/// <summary>
/// What a driver can enforce on the machine it runs on, found when it starts. The agent advertises these with the
/// node and reports them to people, so that a job that asked for isolation knows whether it got it.
/// </summary>
public sealed record DriverCapabilities
{
    /// <summary>Each job gets its own network: only its peers have a route to it, and it to them.</summary>
    public bool NetworkIsolation { get; init; }

    /// <summary>A peer's hostname (<c>database</c>) resolves inside the job; otherwise jobs use the address in the environment.</summary>
    public bool PeerHostnames { get; init; }

    /// <summary>Read-only files are read-only by the kernel (a read-only mount); otherwise only by file permissions.</summary>
    public bool EnforcedReadOnlyFiles { get; init; }

    /// <summary>Stopping a task ends every process it started, children and grandchildren included.</summary>
    public bool StopsProcessTree { get; init; }

    /// <summary>Tasks keep running when the agent stops, and a new agent can take them back (<see cref="IDriver.RecoverAsync"/>).</summary>
    public bool RecoversTasks { get; init; }

    /// <summary>Sentences for people saying why a capability is missing ("network isolation needs root").</summary>
    public IReadOnlyList<string> Limitations { get; init; } = [];
}
