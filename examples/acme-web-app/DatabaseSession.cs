using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Acme.WebApp;

/// <summary>One open connection to the acme-database, speaking its line protocol.</summary>
internal sealed class DatabaseSession : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly StreamReader _reader;
    private readonly string _address;

    internal DatabaseSession(TcpClient client, string address)
    {
        _client = client;
        _address = address;
        _stream = client.GetStream();
        _reader = new StreamReader(_stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), detectEncodingFromByteOrderMarks: false, leaveOpen: true);
    }

    /// <summary>Checks that the database answers.</summary>
    public async Task PingAsync(CancellationToken ct)
    {
        var reply = await SendAsync("PING", ct);
        if (reply != "PONG")
        {
            throw Unexpected("PING", reply);
        }
    }

    /// <summary>The value of <paramref name="key"/>, or null when the database does not have it.</summary>
    public async Task<string?> GetAsync(string key, CancellationToken ct)
    {
        var reply = await SendAsync($"GET {key}", ct);
        return reply switch
        {
            "NOTFOUND" => null,
            _ when reply.StartsWith("VALUE ", StringComparison.Ordinal) => reply["VALUE ".Length..],
            _ => throw Unexpected("GET", reply),
        };
    }

    /// <summary>Adds one to the integer at <paramref name="key"/> and returns the new value.</summary>
    public async Task<long> IncrementAsync(string key, CancellationToken ct)
    {
        var reply = await SendAsync($"INCR {key}", ct);
        return reply.StartsWith("VALUE ", StringComparison.Ordinal)
            && long.TryParse(reply.AsSpan("VALUE ".Length), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Unexpected("INCR", reply);
    }

    /// <summary>All keys, as the database sorts them.</summary>
    public async Task<IReadOnlyList<string>> KeysAsync(CancellationToken ct)
    {
        var reply = await SendAsync("KEYS", ct);
        return reply == "KEYS" ? []
            : reply.StartsWith("KEYS ", StringComparison.Ordinal) ? reply["KEYS ".Length..].Split(' ')
            : throw Unexpected("KEYS", reply);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _stream.WriteAsync("QUIT\n"u8.ToArray());
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // Saying goodbye is a courtesy; the connection closes either way.
        }
        _reader.Dispose();
        _client.Dispose();
    }

    private async Task<string> SendAsync(string command, CancellationToken ct)
    {
        try
        {
            await _stream.WriteAsync(Encoding.UTF8.GetBytes(command + "\n"), ct);
            return await _reader.ReadLineAsync(ct)
                ?? throw new DatabaseUnavailableException($"the database at {_address} closed the connection");
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            throw new DatabaseUnavailableException($"lost the connection to the database at {_address}: {e.Message}", e);
        }
    }

    private DatabaseUnavailableException Unexpected(string command, string reply) =>
        new($"the database at {_address} answered {command} with '{reply}'");
}
