using System.Globalization;
using System.Net.Sockets;
using Wharf.Agent.Drivers;
using Wharf.Domain.Catalog;

namespace Wharf.Agent;

/// <summary>
/// One probe of a rank's health check (<see cref="ApplicationHealthCheck"/>): its problem (null when healthy), and for a
/// command the lines it wrote to <c>health.log</c>, which the runner also sends to the server as the stream <c>health</c>.
/// </summary>
internal static class HealthProbe
{
    /// <summary>The name of the health command's log on the node (<c>health.log</c>) and of its stream on the server.</summary>
    public const string LogName = "health";

    private static readonly HttpClient Http = new() { Timeout = Timeout.InfiniteTimeSpan };

    public static async Task<(string? Problem, IReadOnlyList<string> Transcript)> RunAsync(
        ApplicationHealthCheck check, TaskHandle handle, TaskSpec spec, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken,
        Func<System.Diagnostics.Process, CancellationToken, Task>? start = null)
    {
        var timeout = TimeSpan.FromSeconds(check.TimeoutSeconds);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(timeout);
        var address = handle.State.PortAddress;
        var port = check.Port is not null && handle.State.Ports.TryGetValue(check.Port, out var p) ? p : 0;
        try
        {
            switch (check.Type)
            {
                case "tcp":
                    using (var client = new TcpClient())
                    {
                        await client.ConnectAsync(address, port, bounded.Token).ConfigureAwait(false);
                    }

                    return (null, []);
                case "http":
                    var uri = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{address}:{port}{(check.Path is { Length: > 0 } path ? path : "/")}"));
                    using (var response = await Http.GetAsync(uri, bounded.Token).ConfigureAwait(false))
                    {
                        var status = (int)response.StatusCode;
                        return (status is >= 200 and < 400 ? null : $"GET {uri.PathAndQuery} answered {status}", []);
                    }

                case "command":
                    var hook = new LifecycleHook(LogName, spec.WorkingDirectory, spec.LogDirectory, timeout, check.Command[0]);
                    var outcome = await hook.RunAsync([.. check.Command.Skip(1)], environment, cancellationToken, start).ConfigureAwait(false);
                    return (outcome.Problem, outcome.Transcript);
                default:
                    // "process": the process being alive is the probe; its exit is seen by the runner's wait.
                    return (null, []);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (string.Create(CultureInfo.InvariantCulture, $"{check.Type} probe timed out after {check.TimeoutSeconds} s"), []);
        }
        catch (Exception e) when (e is SocketException or HttpRequestException)
        {
            return ($"{check.Type} probe failed: {e.Message}", []);
        }
    }
}
