using System.Net;
using Wharf.Agent.Drivers;

namespace Wharf.Drivers.Process;

internal sealed partial class NetworkTopology
{
    private async Task LinkAsync(JobNetwork source, string hostname, JobNetwork target, CancellationToken cancellationToken)
    {
        await NameAsync(source, cancellationToken).ConfigureAwait(false);
        await NameAsync(target, cancellationToken).ConfigureAwait(false);
        // Keep the address the hostname already resolves to (the link is being made again): running processes keep working.
        var subnet = source.Hosts.TryGetValue(hostname, out var known) ? LinkAddresses.SubnetOf(known) : null;
        if (subnet is { } existing && source.Links.ContainsKey(existing) && target.Links.ContainsKey(existing))
        {
            return;
        }

        subnet ??= Enumerable.Range(0, LinkAddresses.MaxLinks).First(n => !source.Links.ContainsKey(n) && !target.Links.ContainsKey(n));
        var device = LinkAddresses.InterfaceName(subnet.Value);
        var targetAddress = LinkAddresses.TargetAddress(subnet.Value);
        // A leftover end of an earlier link with this subnet (its peer's namespace went away) would block the new pair.
        await SystemCommand.TryRunAsync(ip, ["-n", source.Name, "link", "del", device], cancellationToken).ConfigureAwait(false);
        await SystemCommand.RunAsync(ip, ["link", "add", device, "netns", target.Name, "type", "veth", "peer", "name", device, "netns", source.Name], cancellationToken).ConfigureAwait(false);
        source.Links[subnet.Value] = target.JobId;
        target.Links[subnet.Value] = source.JobId;
        await SystemCommand.RunAsync(ip, ["-n", target.Name, "addr", "add", $"{targetAddress}/30", "dev", device], cancellationToken).ConfigureAwait(false);
        await SystemCommand.RunAsync(ip, ["-n", source.Name, "addr", "add", $"{LinkAddresses.SourceAddress(subnet.Value)}/30", "dev", device], cancellationToken).ConfigureAwait(false);
        await SystemCommand.RunAsync(ip, ["-n", target.Name, "link", "set", device, "up"], cancellationToken).ConfigureAwait(false);
        await SystemCommand.RunAsync(ip, ["-n", source.Name, "link", "set", device, "up"], cancellationToken).ConfigureAwait(false);
        source.Hosts[hostname] = targetAddress.ToString();
        await File.WriteAllTextAsync(source.HostsPath, source.HostsFileText(), cancellationToken).ConfigureAwait(false);
    }

    private async Task<List<string>> ForwardToRemotePeerAsync(JobNetwork network, string hostname, TaskPeer peer, CancellationToken cancellationToken)
    {
        var warnings = new List<string>();
        if (!network.Hosts.TryGetValue(hostname, out var alias) || !LinkAddresses.IsRemotePeerAddress(alias))
        {
            alias = LinkAddresses.RemotePeerAddress(network.Hosts.Values.Count(LinkAddresses.IsRemotePeerAddress)).ToString();
            network.Hosts[hostname] = alias;
        }

        foreach (var (name, port) in peer.Ports)
        {
            var socket = await threads.CreateTcpSocketAsync(network.NamespacePath).ConfigureAwait(false);
            try
            {
                network.PeerForwards.Add(TcpForward.Start(socket, new IPEndPoint(IPAddress.Parse(alias), port), ct => RootNamespace.ConnectAsync(peer.Address, port, ct)));
            }
            catch (System.Net.Sockets.SocketException e)
            {
                warnings.Add($"peer {hostname} port {name} ({port}) cannot be forwarded into the job: {e.Message}");
            }
        }

        return warnings;
    }
}
