using System.Net.Sockets;
using System.Text;

namespace Examples.Tests;

/// <summary>A test's connection to acme-database: sends protocol lines and reads the replies.</summary>
public sealed class LineClient : IAsyncDisposable
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(10);

    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly StreamReader _reader;

    private LineClient(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
        _reader = new StreamReader(_stream, new UTF8Encoding(false));
    }

    /// <summary>Connects to the database on 127.0.0.1:<paramref name="port"/>.</summary>
    public static async Task<LineClient> ConnectAsync(int port)
    {
        var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        return new LineClient(client);
    }

    /// <summary>Sends one line and returns the reply line.</summary>
    public async Task<string?> SendAsync(string line)
    {
        await _stream.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"));
        return await ReadLineAsync();
    }

    /// <summary>Sends raw text, without adding a line ending.</summary>
    public async Task WriteRawAsync(string text) => await _stream.WriteAsync(Encoding.UTF8.GetBytes(text));

    /// <summary>The next reply line, or null when the server closed the connection.</summary>
    public async Task<string?> ReadLineAsync()
    {
        using var timeout = new CancellationTokenSource(ReplyTimeout);
        return await _reader.ReadLineAsync(timeout.Token);
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
