namespace Wharf.Agent.Drivers;

/// <summary>What a driver has settled for a rank just before it runs the command (see <see cref="TaskSpec.BeforeLaunch"/>).</summary>
/// <param name="Address">The rank's address (inside its network namespace, or the host's).</param>
/// <param name="Ports">The rank's ports by name, as the job sees them.</param>
/// <param name="PeerAddresses">Where each peer is reached, by the hostname the job uses for it.</param>
/// <param name="Environment">The rank's final environment.</param>
public sealed record TaskLaunchContext(
    string Address,
    IReadOnlyDictionary<string, int> Ports,
    IReadOnlyDictionary<string, string> PeerAddresses,
    IReadOnlyDictionary<string, string> Environment);
