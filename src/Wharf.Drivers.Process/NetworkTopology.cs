using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Wharf.Agent.Drivers;

namespace Wharf.Drivers.Process;

/// <summary>
/// The job namespaces of this driver and the links between them. A job's namespace is made when its first rank
/// joins and removed when its last rank leaves; a peer link is a veth pair straight between the two namespaces,
/// so that only peers have a route to each other. All changes are serialized: they run a handful of <c>ip</c>
/// commands and must not interleave.
/// </summary>
internal sealed partial class NetworkTopology(string ip, NamespaceSockets sockets, string? scope) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, JobNetwork> _networks = new(StringComparer.Ordinal);

    /// <summary>
    /// Adds a rank of <paramref name="spec"/>'s job to the job's namespace, making it (or adopting one that already
    /// exists, after an agent restart) and linking the job to its peers. Returns the network and any warnings.
    /// </summary>
    public async Task<(JobNetwork Network, List<string> Warnings)> JoinAsync(TaskSpec spec, CancellationToken cancellationToken)
    {
        var warnings = new List<string>();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_networks.TryGetValue(spec.JobId, out var network))
            {
                network = new JobNetwork(spec.JobId, JobNetwork.NameFor(scope, spec.JobId));
                await OpenAsync(network, cancellationToken).ConfigureAwait(false);
                _networks[spec.JobId] = network;
                try
                {
                    // Jobs already here that name this one as a peer get their links back (this job may be restarting).
                    foreach (var other in _networks.Values.Where(n => n != network).ToList())
                    {
                        foreach (var (hostname, peerJob) in other.PeerJobs.Where(p => p.Value == spec.JobId).ToList())
                        {
                            await LinkAsync(other, hostname, network, cancellationToken).ConfigureAwait(false);
                        }
                    }
                }
                catch
                {
                    await RemoveAsync(network, CancellationToken.None).ConfigureAwait(false);
                    throw;
                }
            }

            network.Users++;
            try
            {
                foreach (var (hostname, peer) in spec.Peers)
                {
                    if (!network.PeerJobs.TryAdd(hostname, peer.JobId))
                    {
                        continue;
                    }

                    if (peer.JobId != spec.JobId && _networks.TryGetValue(peer.JobId, out var target))
                    {
                        await LinkAsync(network, hostname, target, cancellationToken).ConfigureAwait(false);
                    }
                    else if (network.Hosts.TryGetValue(hostname, out var known) && LinkAddresses.SubnetOf(known) is { } subnet
                        && network.Links.ContainsKey(subnet))
                    {
                        // An adopted namespace whose link to the peer is still there; the peer's namespace will be
                        // adopted when its own task is recovered.
                    }
                    else
                    {
                        warnings.AddRange(await ForwardToRemotePeerAsync(network, hostname, peer, cancellationToken).ConfigureAwait(false));
                    }
                }

                await File.WriteAllTextAsync(network.HostsPath, network.HostsFileText(), cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await LeaveLockedAsync(network).ConfigureAwait(false);
                throw;
            }

            return (network, warnings);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Takes a rank out of the namespace; the last one out ends what still runs in it and removes it.</summary>
    public async Task LeaveAsync(JobNetwork network)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await LeaveLockedAsync(network).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Removes a namespace that no task of this driver uses and in which nothing runs (left by a lost task).</summary>
    public async Task RemoveIfAbandonedAsync(string name, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_networks.Values.Any(n => n.Name == name) || !File.Exists($"/run/netns/{name}"))
            {
                return;
            }

            var pids = await SystemCommand.RunAsync(ip, ["netns", "pids", name], cancellationToken).ConfigureAwait(false);
            if (string.IsNullOrWhiteSpace(pids))
            {
                await SystemCommand.TryRunAsync(ip, ["netns", "del", name], cancellationToken).ConfigureAwait(false);
                DeleteHostsFolder($"/etc/netns/{name}");
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task LeaveLockedAsync(JobNetwork network)
    {
        if (--network.Users > 0)
        {
            return;
        }

        await RemoveAsync(network, CancellationToken.None).ConfigureAwait(false);
    }

    private async Task OpenAsync(JobNetwork network, CancellationToken cancellationToken)
    {
        if (File.Exists(network.NamespacePath))
        {
            // Left by a previous run of the agent (whose tasks are being recovered): adopt it as it is, learning which
            // link subnets are taken inside it and which hostnames it resolves.
            var links = await SystemCommand.RunAsync(ip, ["-n", network.Name, "-o", "link", "show"], cancellationToken).ConfigureAwait(false);
            foreach (Match match in LinkName().Matches(links))
            {
                network.Links[int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)] = "";
            }

            ReadHostsFile(network);
        }
        else
        {
            await SystemCommand.RunAsync(ip, ["netns", "add", network.Name], cancellationToken).ConfigureAwait(false);
        }

        await SystemCommand.RunAsync(ip, ["-n", network.Name, "link", "set", "lo", "up"], cancellationToken).ConfigureAwait(false);
        Directory.CreateDirectory(network.HostsFolder);
        await File.WriteAllTextAsync(network.HostsPath, network.HostsFileText(), cancellationToken).ConfigureAwait(false);
    }

    private static void ReadHostsFile(JobNetwork network)
    {
        if (!File.Exists(network.HostsPath))
        {
            return;
        }

        foreach (var line in File.ReadAllLines(network.HostsPath))
        {
            var parts = line.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && (LinkAddresses.SubnetOf(parts[0]) is not null || LinkAddresses.IsRemotePeerAddress(parts[0])))
            {
                network.Hosts[parts[1]] = parts[0];
            }
        }
    }

    private async Task LinkAsync(JobNetwork source, string hostname, JobNetwork target, CancellationToken cancellationToken)
    {
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
            var socket = await sockets.CreateTcpSocketAsync(network.NamespacePath).ConfigureAwait(false);
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

    private async Task RemoveAsync(JobNetwork network, CancellationToken cancellationToken)
    {
        foreach (var forward in network.PeerForwards)
        {
            await forward.DisposeAsync().ConfigureAwait(false);
        }

        network.PeerForwards.Clear();
        // Whatever still runs in the namespace belongs to the job (a process that left its rank's session): end it.
        var (_, pids, _) = await SystemCommand.TryRunAsync(ip, ["netns", "pids", network.Name], cancellationToken).ConfigureAwait(false);
        foreach (var pid in pids.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            Libc.Kill(int.Parse(pid, CultureInfo.InvariantCulture), Libc.SigKill);
        }

        // The kernel tears a deleted namespace down asynchronously, veths included; delete the links first, so that
        // their other ends are gone at once and a peer restarting right away can be linked again.
        foreach (var subnet in network.Links.Keys)
        {
            await SystemCommand.TryRunAsync(ip, ["-n", network.Name, "link", "del", LinkAddresses.InterfaceName(subnet)], cancellationToken).ConfigureAwait(false);
        }

        await SystemCommand.TryRunAsync(ip, ["netns", "del", network.Name], cancellationToken).ConfigureAwait(false);
        DeleteHostsFolder(network.HostsFolder);
        foreach (var (subnet, otherJob) in network.Links)
        {
            if (_networks.TryGetValue(otherJob, out var other))
            {
                other.Links.Remove(subnet);
            }
        }

        _networks.Remove(network.JobId);
    }

    private static void DeleteHostsFolder(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    /// <summary>Stops the peer forwarders (they live in this process); namespaces and the tasks in them stay.</summary>
    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        foreach (var network in _networks.Values)
        {
            foreach (var forward in network.PeerForwards)
            {
                await forward.DisposeAsync().ConfigureAwait(false);
            }

            network.PeerForwards.Clear();
        }

        _gate.Release();
    }

    [GeneratedRegex(@"^\d+:\s+wh(\d+)@", RegexOptions.Multiline)]
    private static partial Regex LinkName();
}
