using Microsoft.Win32.SafeHandles;

namespace Wharf.Drivers.Process;

/// <summary>Unnamed namespaces: entering them, taking them back after a restart, and naming them when they become peers.</summary>
internal sealed partial class NetworkTopology
{
    /// <summary>
    /// Adds a rank taken back after an agent restart to its job's unnamed namespace: <paramref name="handle"/> opens it
    /// (null when no process of the rank runs any more; then the network only lets a stop end what is left in it).
    /// </summary>
    public async Task<JobNetwork> AdoptUnnamedAsync(string jobId, SafeFileHandle? handle, string identity)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_networks.TryGetValue(jobId, out var network) && network.Identity == identity)
            {
                handle?.Dispose();
            }
            else
            {
                network = new JobNetwork(jobId, JobNetwork.NameFor(scope, jobId)) { Handle = handle, Identity = identity };
                if (handle is not null)
                {
                    _networks[jobId] = network;
                }
            }

            // A previous agent's tasks that are not taken back may have left processes in it.
            network.MayHoldStrays = true;
            network.Users++;
            return network;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A TCP socket of the job's namespace.</summary>
    public Task<System.Net.Sockets.Socket> CreateTcpSocketAsync(JobNetwork network) =>
        network.Handle is { } handle ? threads.CreateTcpSocketAsync(handle) : threads.CreateTcpSocketAsync(network.NamespacePath);

    /// <summary>Runs <paramref name="work"/> (a process start) inside the job's namespace.</summary>
    public Task<T> RunInAsync<T>(JobNetwork network, Func<T> work) =>
        network.Handle is { } handle ? threads.RunInAsync(handle, work) : threads.RunInAsync(network.NamespacePath, work);

    /// <summary>
    /// Gives an unnamed namespace its name (a job now names it as a peer): binds it at <c>/run/netns/NAME</c>, as
    /// <c>ip netns attach</c> does, so that links can be made with <c>ip -n</c> and later ranks get a hosts file.
    /// </summary>
    private static async Task NameAsync(JobNetwork network, CancellationToken cancellationToken)
    {
        if (network.Named)
        {
            return;
        }

        if (network.Handle is not { } handle)
        {
            throw new InvalidOperationException($"the network namespace of job {network.JobId} is no longer there to be named");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(network.NamespacePath)!);
        await File.WriteAllBytesAsync(network.NamespacePath, [], cancellationToken).ConfigureAwait(false);
        var source = $"/proc/self/fd/{handle.DangerousGetHandle()}";
        if (Libc.Mount(source, network.NamespacePath, "none", Libc.MountBind, IntPtr.Zero) != 0)
        {
            var errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            File.Delete(network.NamespacePath);
            throw new IOException($"the network namespace of job {network.JobId} cannot be named {network.Name} (mount: errno {errno})");
        }

        network.Named = true;
        Directory.CreateDirectory(network.HostsFolder);
        await File.WriteAllTextAsync(network.HostsPath, network.HostsFileText(), cancellationToken).ConfigureAwait(false);
    }
}
