using System.Net;
using Wharf.Agent.Tests.Support;
using Wharf.Drivers.Process;

namespace Wharf.Agent.Tests.Drivers;

/// <summary>
/// The namespace thread's pool of ready unnamed network namespaces: each handed out once, loopback up, refilled after a
/// take, and closed with the thread.
/// </summary>
public sealed class NamespacePoolTests : IDisposable
{
    private readonly NamespaceThread _threads = new();
    private readonly List<Microsoft.Win32.SafeHandles.SafeFileHandle> _taken = [];

    [IsolationFact]
    public async Task Takes_AtOnceAndInARow_NeverShareANamespace()
    {
        var host = NamespaceIdentity.Of(Environment.ProcessId);
        await TakeAsync();
        await WaitForFullPoolAsync();

        // More at once than the pool holds: some come from it, the rest are made on the spot.
        var taken = await Task.WhenAll(Enumerable.Range(0, NamespaceThread.PoolSize + 3).Select(_ => TakeAsync()));
        taken = [.. taken, await TakeAsync()];

        Assert.Equal(taken.Length, taken.Distinct().Count());
        Assert.DoesNotContain(host, taken);
        Assert.All(taken, Assert.NotNull);
        Assert.Equal(taken.Order(), _taken.Skip(1).Select(NamespaceIdentity.Of).Order());
        await WaitForFullPoolAsync();
        Assert.Empty(_threads.Ready.Intersect(taken));
    }

    [IsolationFact]
    public async Task TakenFromThePool_HasItsLoopbackUp()
    {
        await TakeAsync();
        var ready = await WaitForFullPoolAsync();

        var identity = await TakeAsync();

        Assert.Equal(ready[0], identity);
        using var listener = await _threads.CreateTcpSocketAsync(_taken[^1]);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        using var client = await _threads.CreateTcpSocketAsync(_taken[^1]);
        await client.ConnectAsync(listener.LocalEndPoint!);
        using var accepted = await listener.AcceptAsync();
        Assert.True(accepted.Connected);
    }

    [IsolationFact]
    public async Task Dispose_ClosesTheReadyNamespaces()
    {
        await TakeAsync();
        var ready = await WaitForFullPoolAsync();
        Assert.All(ready, identity => Assert.Contains(identity, OpenNamespaces()));

        _threads.Dispose();

        Assert.Empty(_threads.Ready);
        Assert.Empty(OpenNamespaces().Intersect(ready));
        await Assert.ThrowsAnyAsync<InvalidOperationException>(() => _threads.CreateAsync());
    }

    public void Dispose()
    {
        _threads.Dispose();
        foreach (var handle in _taken)
        {
            handle.Dispose();
        }
    }

    private async Task<string?> TakeAsync()
    {
        var (handle, identity) = await _threads.CreateAsync();
        lock (_taken)
        {
            _taken.Add(handle);
        }

        return identity;
    }

    private async Task<IReadOnlyList<string?>> WaitForFullPoolAsync()
    {
        for (var i = 0; i < 100 && _threads.Ready.Count < NamespaceThread.PoolSize; i++)
        {
            await Task.Delay(50);
        }

        Assert.Equal(NamespaceThread.PoolSize, _threads.Ready.Count);
        return _threads.Ready;
    }

    /// <summary>The namespaces this process holds open descriptors of.</summary>
    private static List<string> OpenNamespaces() =>
        [.. Directory.EnumerateFileSystemEntries("/proc/self/fd")
            .Select(TryLink)
            .OfType<string>()
            .Where(link => link.StartsWith("net:[", StringComparison.Ordinal))];

    private static string? TryLink(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
