using System.Net.Sockets;
using System.Text;

namespace Acme.Database;

/// <summary>
/// Accepts TCP connections and answers each protocol line with one reply line, many connections at once,
/// until cancelled; then it stops accepting, closes every connection and returns.
/// </summary>
internal sealed class DatabaseServer(TcpListener listener, CommandInterpreter interpreter)
{
    /// <summary>The longest request line, in characters; a longer one gets <c>ERR</c> and the connection closes.</summary>
    public const int MaxLineLength = 64 * 1024;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly Lock _gate = new();
    private readonly HashSet<Task> _connections = [];

    /// <summary>Serves until <paramref name="ct"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            while (true)
            {
                var client = await listener.AcceptTcpClientAsync(ct);
                Track(Task.Run(() => ServeAsync(client, ct), CancellationToken.None));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutdown was asked for; fall through to drain the connections.
        }
        finally
        {
            listener.Stop();
        }

        Task[] open;
        lock (_gate)
        {
            open = [.. _connections];
        }
        await Task.WhenAll(open);
    }

    private void Track(Task connection)
    {
        lock (_gate)
        {
            _connections.Add(connection);
        }
        connection.ContinueWith(
            done =>
            {
                lock (_gate)
                {
                    _connections.Remove(done);
                }
            },
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task ServeAsync(TcpClient client, CancellationToken ct)
    {
        using var _ = client;
        client.NoDelay = true;
        try
        {
            var stream = client.GetStream();
            // Cancelling a socket read is not guaranteed everywhere; closing the client always ends it.
            await using var closeOnShutdown = ct.Register(client.Dispose);
            var reader = new LineReader(stream, MaxLineLength);
            while (!ct.IsCancellationRequested)
            {
                Reply reply;
                try
                {
                    var line = await reader.ReadLineAsync(ct);
                    if (line is null)
                    {
                        return;
                    }
                    reply = interpreter.Execute(line);
                }
                catch (InvalidDataException e)
                {
                    reply = new Reply($"ERR {e.Message}", Close: true);
                }
                await stream.WriteAsync(Utf8.GetBytes(reply.Line + "\n"), ct);
                if (reply.Close)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The peer went away or the server is stopping: nothing to answer.
        }
    }
}
