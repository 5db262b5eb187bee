using System.Net.Sockets;

namespace Acme.WebApp;

/// <summary>Where the acme-database is, and how to open a session with it.</summary>
internal sealed class DatabaseClient(string host, int port)
{
    /// <summary>The database's address as <c>host:port</c>, for people.</summary>
    public string Address => $"{host}:{port}";

    /// <summary>Connects; every failure (name not resolved, refused, unreachable) becomes <see cref="DatabaseUnavailableException"/>.</summary>
    public async Task<DatabaseSession> ConnectAsync(CancellationToken ct)
    {
        var client = new TcpClient { NoDelay = true };
        try
        {
            // The host name is resolved on every connection: the peer's address can change when its job restarts.
            await client.ConnectAsync(host, port, ct);
            return new DatabaseSession(client, Address);
        }
        catch (SocketException e)
        {
            client.Dispose();
            throw new DatabaseUnavailableException($"cannot reach the database at {Address}: {e.Message}", e);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }
}
