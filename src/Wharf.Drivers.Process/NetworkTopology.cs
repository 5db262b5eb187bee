using System.Globalization;
using System.Text.RegularExpressions;
using Wharf.Agent.Drivers;

namespace Wharf.Drivers.Process;

/// <summary>
/// The job namespaces of this driver and the links between them. A job's namespace is made when its first rank
/// joins and removed when its last rank leaves; a peer link is a veth pair straight between the two namespaces,
/// so that only peers have a route to each other. A job without peers, and that no job here names as one, gets an
/// unnamed namespace made by system calls alone (no program runs for it), named only if a job later names it as a
/// peer. All changes are serialized: they run <c>ip</c> commands and must not interleave.
/// </summary>
internal sealed partial class NetworkTopology(string ip, NamespaceThread threads, string? scope) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, JobNetwork> _networks = new(StringComparer.Ordinal);
    private readonly StraySweeper _strays = new();

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
                var named = spec.Peers.Count > 0 || File.Exists(network.NamespacePath)
                    || _networks.Values.Any(n => n.PeerJobs.ContainsValue(spec.JobId));
                if (named)
                {
                    await OpenAsync(network, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    (network.Handle, network.Identity) = await threads.CreateAsync().ConfigureAwait(false);
                }

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

                if (network.Named)
                {
                    await File.WriteAllTextAsync(network.HostsPath, network.HostsFileText(), cancellationToken).ConfigureAwait(false);
                }
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

    /// <summary>
    /// Takes a rank out of the namespace; the last one out ends what still runs in it and removes it.
    /// <paramref name="leftNothing"/> says the rank is known to have left no process behind (see
    /// <see cref="ProcessTask.TreeEnded"/>): when every rank did, the namespace is not searched for strays.
    /// </summary>
    public async Task LeaveAsync(JobNetwork network, bool leftNothing)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            network.MayHoldStrays |= !leftNothing;
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
            network.MayHoldStrays = true;
            var links = await SystemCommand.RunAsync(ip, ["-n", network.Name, "-o", "link", "show"], cancellationToken).ConfigureAwait(false);
            foreach (Match match in LinkName().Matches(links))
            {
                network.Links[int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)] = "";
            }

            network.ReadHostsFile();
        }
        else
        {
            await SystemCommand.RunAsync(ip, ["netns", "add", network.Name], cancellationToken).ConfigureAwait(false);
        }

        await SystemCommand.RunAsync(ip, ["-n", network.Name, "link", "set", "lo", "up"], cancellationToken).ConfigureAwait(false);
        network.Named = true;
        network.Identity = NamespaceIdentity.AtPath(network.NamespacePath);
        Directory.CreateDirectory(network.HostsFolder);
        await File.WriteAllTextAsync(network.HostsPath, network.HostsFileText(), cancellationToken).ConfigureAwait(false);
    }

    private async Task RemoveAsync(JobNetwork network, CancellationToken cancellationToken)
    {
        foreach (var forward in network.PeerForwards)
        {
            await forward.DisposeAsync().ConfigureAwait(false);
        }

        network.PeerForwards.Clear();
        // Whatever still runs in the namespace belongs to the job (a process that left its rank's session): end it.
        // An unnamed namespace's strays are ended a moment later, with those of other namespaces, off this path: its
        // handle keeps it (and so its identity) from being reused until then. A named one's are ended now, before it
        // is deleted, and so are those of one held by no handle (taken back after a restart), whose identity a new
        // namespace could take once it is gone.
        List<int> members = [];
        if (network.Identity is { } identity && network.MayHoldStrays)
        {
            if (!network.Named && network.Handle is { } handle)
            {
                _strays.Add(identity, handle);
                network.Handle = null;
            }
            else
            {
                members = ProcStat.InNetworkNamespace(identity);
            }
        }

        if (network.Identity is null && network.Named && network.MayHoldStrays)
        {
            var (_, pids, _) = await SystemCommand.TryRunAsync(ip, ["netns", "pids", network.Name], cancellationToken).ConfigureAwait(false);
            members.AddRange(pids.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(pid => int.Parse(pid, CultureInfo.InvariantCulture)));
        }

        foreach (var pid in members)
        {
            Libc.Kill(pid, Libc.SigKill);
        }

        if (network.Named)
        {
            // The kernel tears a deleted namespace down asynchronously, veths included; delete the links first, so that
            // their other ends are gone at once and a peer restarting right away can be linked again.
            foreach (var subnet in network.Links.Keys)
            {
                await SystemCommand.TryRunAsync(ip, ["-n", network.Name, "link", "del", LinkAddresses.InterfaceName(subnet)], cancellationToken).ConfigureAwait(false);
            }

            await SystemCommand.TryRunAsync(ip, ["netns", "del", network.Name], cancellationToken).ConfigureAwait(false);
            DeleteHostsFolder(network.HostsFolder);
        }

        // An unnamed namespace goes away with this last reference, once nothing runs in it.
        network.Handle?.Dispose();
        foreach (var (subnet, otherJob) in network.Links)
        {
            if (_networks.TryGetValue(otherJob, out var other))
            {
                other.Links.Remove(subnet);
            }
        }

        if (_networks.TryGetValue(network.JobId, out var registered) && registered == network)
        {
            _networks.Remove(network.JobId);
        }
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

    /// <summary>Stops the peer forwarders (they live in this process) and closes the namespace handles; namespaces and the tasks in them stay.</summary>
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
            // The namespaces stay with the processes in them; a next driver opens them again.
            network.Handle?.Dispose();
        }

        _gate.Release();
        await _strays.DisposeAsync().ConfigureAwait(false);
    }

    [GeneratedRegex(@"^\d+:\s+wh(\d+)@", RegexOptions.Multiline)]
    private static partial Regex LinkName();
}
