using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Wharf.Drivers.Process;

/// <summary>
/// A userspace TCP forwarder: accepts on a listening socket and, for each connection, opens a socket to the target
/// (which may live in another network namespace) and pumps bytes both ways, half-closes included. This is how a
/// job's ports reach the host without giving the host an address inside the job's network, and how an isolated job
/// reaches a peer that runs elsewhere.
/// </summary>
internal sealed class TcpForward : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly Func<CancellationToken, Task<Socket>> _connect;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Socket, byte> _open = new();
    private readonly Task _accepting;

    private TcpForward(Socket listener, Func<CancellationToken, Task<Socket>> connect)
    {
        _listener = listener;
        _connect = connect;
        _accepting = Task.Run(AcceptAsync);
    }

    /// <summary>Where the forwarder listens.</summary>
    public IPEndPoint ListenEndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    /// <summary>Binds <paramref name="listener"/> (created in the namespace it should listen in) and starts forwarding.</summary>
    public static TcpForward Start(Socket listener, IPEndPoint bindTo, Func<CancellationToken, Task<Socket>> connect)
    {
        try
        {
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(bindTo);
            listener.Listen(128);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        return new TcpForward(listener, connect);
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stopping.IsCancellationRequested)
                {
                    return;
                }

                // Out of file descriptors or the like: do not spin, try again shortly.
                await Task.Delay(50).ConfigureAwait(false);
                continue;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(Socket client)
    {
        _open[client] = 0;
        Socket? target = null;
        try
        {
            using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            connectTimeout.CancelAfter(TimeSpan.FromSeconds(10));
            target = await _connect(connectTimeout.Token).ConfigureAwait(false);
            _open[target] = 0;
            client.NoDelay = true;
            target.NoDelay = true;
            await Task.WhenAll(PumpAsync(client, target), PumpAsync(target, client)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // The target refused or vanished, or the forwarder is stopping: the client sees its connection close.
        }
        finally
        {
            Close(client);
            if (target is not null)
            {
                Close(target);
            }
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stopping.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    // Pass the end of the stream on, and keep the other direction open (HTTP/1.0 clients rely on it).
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stopping.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // One side broke: end both directions.
            Close(from);
            Close(to);
        }
    }

    private void Close(Socket socket)
    {
        _open.TryRemove(socket, out _);
        socket.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        foreach (var socket in _open.Keys)
        {
            Close(socket);
        }

        await _accepting.ConfigureAwait(false);
    }
}
