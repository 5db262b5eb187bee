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

    /// <summary>
    /// Tells this driver's job namespaces apart from those of other agents on the same host: a job's namespace is
    /// <c>wharf-&lt;scope&gt;-&lt;job id&gt;</c>. Two agents (or two servers' agents) on one host count job ids
    /// independently, so without a scope their namespaces would collide. It must stay the same across restarts of one
    /// agent, so that it takes its namespaces back; <see cref="ScopeFor"/> derives one from the agent's state folder.
    /// Null gives <c>wharf-&lt;job id&gt;</c>.
    /// </summary>
    public string? Scope { get; init; }

    /// <summary>A short, stable scope for an agent whose state lives in <paramref name="stateDirectory"/>.</summary>
    public static string ScopeFor(string stateDirectory)
    {
        ArgumentNullException.ThrowIfNull(stateDirectory);
        var digest = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Path.GetFullPath(stateDirectory)));
        return Convert.ToHexStringLower(digest)[..6];
    }

    /// <summary>How often a task taken back after a restart is checked for having ended, and logs are checked for new lines.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(100);
}
