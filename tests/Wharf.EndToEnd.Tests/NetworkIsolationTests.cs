using Wharf.Domain.Jobs;

namespace Wharf.EndToEnd.Tests;

/// <summary>A job without peers still runs in a network of its own (an unnamed namespace), through the whole path.</summary>
public sealed class NetworkIsolationTests : IAsyncLifetime
{
    private WharfCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await WharfCluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task JobWithoutPeers_SeesOnlyItsLoopback_NotTheHostsNetwork()
    {
        if (!WharfCluster.CanIsolate)
        {
            return;
        }

        var host = new FileInfo("/proc/self/ns/net").LinkTarget;
        // Exits 0 only when the job's namespace is not the host's and holds no interface but lo.
        var id = await _cluster.RunScriptAsync($$"""
            ns=$(readlink /proc/self/ns/net)
            links=$(awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 }' /proc/net/dev | tr '\n' ' ')
            echo "namespace $ns, interfaces: $links"
            [ "$ns" != "{{host}}" ] || exit 3
            [ "$links" = "lo " ] || exit 4
            """);

        var job = await _cluster.WaitForFinalAsync(id);

        Assert.True(job.Status.State == JobState.Success, $"the job's network was not its own (exit code {job.Status.ExitCode})");
    }
}
