using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;

namespace Wharf.ResourceQueue.Tests.Infrastructure;

/// <summary>
/// A real HTTP receiver on loopback (HttpListener on a fixed port, so that it can be down and come back at the same
/// URL). It keeps every delivery it is sent, in arrival order, and checks each signature against the key it is given.
/// </summary>
public sealed class CallbackReceiver : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly List<Delivery> _received = [];
    private HttpListener? _listener;
    private Task _loop = Task.CompletedTask;

    private CallbackReceiver(int port) => Port = port;

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}/hook";

    /// <summary>The key signatures are checked with; set before deliveries arrive.</summary>
    public Func<byte[]> Key { get; set; } = () => [];

    /// <summary>A receiver on a free port, not yet listening.</summary>
    public static CallbackReceiver Reserve()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new CallbackReceiver(port);
    }

    public void Start()
    {
        _listener = new HttpListener();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        var listener = _listener;
        _loop = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                using var buffer = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(buffer);
                var body = buffer.ToArray();
                var signature = context.Request.Headers["X-Wharf-Signature"] ?? "";
                var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Key(), body));
                var json = JsonDocument.Parse(body).RootElement.Clone();
                lock (_gate)
                {
                    _received.Add(new Delivery(
                        context.Request.Headers["X-Wharf-Delivery"] ?? "",
                        context.Request.Headers["X-Wharf-Event"] ?? "",
                        string.Equals(signature, expected, StringComparison.Ordinal),
                        json));
                }

                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        });
    }

    public async Task StopAsync()
    {
        _listener?.Stop();
        _listener?.Close();
        await _loop;
    }

    /// <summary>Every delivery so far, repeats dropped by delivery id (as a receiver should), in arrival order.</summary>
    public List<Delivery> Distinct()
    {
        lock (_gate)
        {
            return [.. _received.DistinctBy(d => d.DeliveryId)];
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds over the distinct deliveries (10 s at most).</summary>
    public async Task<List<Delivery>> WaitForAsync(Func<List<Delivery>, bool> condition, string what, TimeSpan? within = null)
    {
        var deadline = DateTimeOffset.UtcNow + (within ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var deliveries = Distinct();
            if (condition(deliveries))
            {
                return deliveries;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                Assert.Fail($"the receiver did not get {what}; it got: {string.Join(", ", deliveries.Select(d => d.DeliveryId + " " + d.Event))}");
            }

            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>One delivery: its headers, whether its signature verified, and its body.</summary>
    public sealed record Delivery(string DeliveryId, string Event, bool SignatureValid, JsonElement Body)
    {
        public string JobId => Body.GetProperty("job").GetProperty("id").GetString()!;

        public string? RequestId =>
            Body.GetProperty("job").GetProperty("specification").TryGetProperty("annotations", out var annotations)
            && annotations.TryGetProperty("resource-queue.request_id", out var id) ? id.GetString() : null;
    }
}
