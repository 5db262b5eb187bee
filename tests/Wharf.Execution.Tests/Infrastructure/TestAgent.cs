using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Wharf.Domain.Agents;
using Wharf.Domain.Serialization;

namespace Wharf.Execution.Tests.Infrastructure;

/// <summary>
/// An agent played by the test over raw HTTP with an agent token: it registers nodes, polls for work and reports
/// exactly what the test says, when the test says it.
/// </summary>
public sealed class TestAgent : IAsyncDisposable
{
    private readonly ExecutionServer _server;
    private readonly string _token;
    private HttpClient _http;
    private CancellationTokenSource? _heartbeats;
    private Task _heartbeating = Task.CompletedTask;

    private TestAgent(ExecutionServer server, string token)
    {
        _server = server;
        _token = token;
        _http = server.Client(token);
    }

    public string AgentId { get; private set; } = "";

    public IReadOnlyList<string> NodeIds { get; private set; } = [];

    public RegisterAgentResponse Registration { get; private set; } = null!;

    public HttpClient Http => _http;

    /// <summary>Registers an agent with one node of <paramref name="cpu"/> cores (or the nodes given), and heartbeats unless told not to.</summary>
    public static async Task<TestAgent> StartAsync(
        ExecutionServer server, string principal = "agent-a", double cpu = 4, bool heartbeat = true, IReadOnlyList<NodeRegistration>? nodes = null)
    {
        var agent = new TestAgent(server, await server.TokenForAsync("agent", principal));
        await agent.RegisterAsync(nodes ?? [new NodeRegistration(principal + "-node", new NodeResources(cpu, 16), Drivers: ["process"])]);
        if (heartbeat)
        {
            agent.StartHeartbeats();
        }

        return agent;
    }

    public async Task<RegisterAgentResponse> RegisterAsync(IReadOnlyList<NodeRegistration> nodes, IReadOnlyList<TaskRef>? running = null)
    {
        var response = await _http.PostAsJsonAsync("api/agent/register", new RegisterAgentRequest(AgentId.Length == 0 ? null : AgentId, nodes, running), WharfJson.Options);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        Registration = JsonSerializer.Deserialize<RegisterAgentResponse>(body, WharfJson.Options)!;
        AgentId = Registration.AgentId;
        NodeIds = Registration.NodeIds;
        return Registration;
    }

    /// <summary>Talks to the server at its current address (after a restart).</summary>
    public void Reconnect()
    {
        _http.Dispose();
        _http = _server.Client(_token);
    }

    public async Task<HttpStatusCode> HeartbeatAsync()
    {
        using var response = await _http.PostAsJsonAsync("api/agent/heartbeat", new AgentHeartbeat(AgentId), WharfJson.Options);
        return response.StatusCode;
    }

    public void StartHeartbeats()
    {
        _heartbeats = new CancellationTokenSource();
        var token = _heartbeats.Token;
        _heartbeating = Task.Run(async () =>
        {
            while (!token.IsCancellationRequested)
            {
                try
                {
                    await HeartbeatAsync();
                    await Task.Delay(ExecutionServer.LeaseTimeout / 8, token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(50, CancellationToken.None);
                }
                catch (ObjectDisposedException)
                {
                    await Task.Delay(50, CancellationToken.None);
                }
            }
        });
    }

    public async Task StopHeartbeatsAsync()
    {
        if (_heartbeats is not null)
        {
            await _heartbeats.CancelAsync();
            await _heartbeating;
            _heartbeats.Dispose();
            _heartbeats = null;
        }
    }

    /// <summary>One long poll.</summary>
    public async Task<AgentWork> PollAsync(TimeSpan wait)
    {
        var response = await _http.GetAsync($"api/agent/work?agentId={AgentId}&waitMs={(long)wait.TotalMilliseconds}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        var work = JsonSerializer.Deserialize<AgentWork>(body, WharfJson.Options)!;
        return new AgentWork(work.Start ?? [], work.Stop ?? []);
    }

    /// <summary>Polls until the work <paramref name="wanted"/> arrives.</summary>
    public async Task<AgentWork> PollUntilAsync(Func<AgentWork, bool> wanted, TimeSpan? within = null)
    {
        var deadline = DateTimeOffset.UtcNow + (within ?? TimeSpan.FromSeconds(10));
        while (DateTimeOffset.UtcNow < deadline)
        {
            var work = await PollAsync(TimeSpan.FromSeconds(2));
            if (wanted(work))
            {
                return work;
            }
        }

        Assert.Fail("the expected work did not arrive");
        return null!;
    }

    public Task<TaskAssignment> StartOfAsync(string jobId, int rank = 0) =>
        PollUntilAsync(w => w.Start.Any(a => a.JobId == jobId && a.Rank == rank)).ContinueWith(t => t.Result.Start.First(a => a.JobId == jobId && a.Rank == rank));

    public Task<TaskStop> StopOfAsync(string jobId) =>
        PollUntilAsync(w => w.Stop.Any(s => s.JobId == jobId)).ContinueWith(t => t.Result.Stop.First(s => s.JobId == jobId));

    public async Task<HttpResponseMessage> ReportAsync(params TaskEvent[] events) =>
        await _http.PostAsJsonAsync("api/agent/events", new AgentEvents(AgentId, events), WharfJson.Options);

    public async Task ReportOkAsync(params TaskEvent[] events)
    {
        using var response = await ReportAsync(events);
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, await response.Content.ReadAsStringAsync());
    }

    public static TaskEvent Started(string jobId, int rank = 0, string address = "10.0.0.2", int port = 8080) => new()
    {
        JobId = jobId,
        Rank = rank,
        Kind = TaskEventKind.Started,
        Timestamp = DateTimeOffset.UtcNow,
        Address = address,
        Ports = new Dictionary<string, int> { ["http"] = port },
        HostPorts = new Dictionary<string, int> { ["http"] = port + 30000 },
    };

    public static TaskEvent Exited(string jobId, int exitCode, int rank = 0) => new()
    {
        JobId = jobId, Rank = rank, Kind = TaskEventKind.Exited, Timestamp = DateTimeOffset.UtcNow, ExitCode = exitCode,
    };

    public static TaskEvent Event(string jobId, TaskEventKind kind, int rank = 0, string? message = null) => new()
    {
        JobId = jobId, Rank = rank, Kind = kind, Timestamp = DateTimeOffset.UtcNow, Message = message,
    };

    public async Task<HttpResponseMessage> LogAsync(string jobId, int rank, string stream, params string[] lines) =>
        await _http.PostAsJsonAsync(
            "api/agent/logs",
            new AgentLogs(AgentId, [.. lines.Select(text => new LogLine(jobId, rank, stream, text, DateTimeOffset.UtcNow))]),
            WharfJson.Options);

    public async ValueTask DisposeAsync()
    {
        await StopHeartbeatsAsync();
        _http.Dispose();
    }
}
