using System.Net;
using System.Net.Sockets;

namespace Wharf.Storage.Tests;

/// <summary>What the PostgreSQL engine promises without a server: the factory does not connect, and ping says no.</summary>
public sealed class PostgresEngineTests
{
    [Fact]
    public async Task OpenPostgres_DoesNotConnect_AndPingAnswersFalse_WhenNoServerListens()
    {
        await using var store = WharfStores.OpenPostgres($"Host=127.0.0.1;Port={ClosedPort()};Username=nobody;Database=none;Timeout=3");

        Assert.Equal("postgres", store.Engine);
        Assert.False(await store.PingAsync(CancellationToken.None));
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port; // closed again once the listener is disposed
    }
}
