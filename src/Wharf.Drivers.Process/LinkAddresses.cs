using System.Net;

namespace Wharf.Drivers.Process;

/// <summary>
/// Addresses used for peer links. Each link between two job namespaces gets a /30 from 10.213.0.0/16 (the target
/// job takes .1, the job that named it as a peer .2); these addresses exist only inside those two namespaces, so
/// they never clash with the host's networks and no other namespace has a route to them. A peer that runs
/// elsewhere is reached through a forwarder listening on a loopback address from 127.0.100.0/24 inside the job.
/// </summary>
internal static class LinkAddresses
{
    public const int MaxLinks = 16384;

    public static string InterfaceName(int subnet) => $"wh{subnet}";

    public static IPAddress TargetAddress(int subnet) => At(subnet * 4 + 1);

    public static IPAddress SourceAddress(int subnet) => At(subnet * 4 + 2);

    /// <summary>The link subnet of an address in the link range, or null.</summary>
    public static int? SubnetOf(string address)
    {
        if (!IPAddress.TryParse(address, out var ip))
        {
            return null;
        }

        var bytes = ip.GetAddressBytes();
        return bytes.Length == 4 && bytes[0] == 10 && bytes[1] == 213 ? (bytes[2] * 256 + bytes[3]) / 4 : null;
    }

    public static IPAddress RemotePeerAddress(int index) => new([127, 0, 100, (byte)(index + 1)]);

    public static bool IsRemotePeerAddress(string address) => address.StartsWith("127.0.100.", StringComparison.Ordinal);

    private static IPAddress At(int offset) => new([10, 213, (byte)(offset >> 8), (byte)(offset & 0xff)]);
}
