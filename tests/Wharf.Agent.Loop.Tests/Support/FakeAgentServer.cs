using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Wharf.Domain.Agents;
using Wharf.Domain.Serialization;

namespace Wharf.Agent.Loop.Tests.Support;

/// <summary>
/// The server side of the agent protocol, as small as the tests need: a real Kestrel on 127.0.0.1:0 that records
/// every request, hands out scripted work through a real long poll, and can forget an agent or declare tasks lost.
/// </summary>
public sealed class FakeAgentServer : IAsyncDisposable
{
    public const string Token = "agent-secret";
    private readonly Lock _gate = new();
    private readonly List<RegisterAgentRequest> _registrations = [];
    private readonly List<string> _heartbeats = [];
    private readonly List<TaskEvent> _events = [];
    private readonly List<IReadOnlyList<TaskEvent>> _eventRequests = [];
    private readonly List<AgentLogs> _logBatches = [];
    private readonly List<long> _pollWaits = [];
    private readonly Queue<AgentWork> _work = new();
    private readonly HashSet<string> _knownAgents = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = NewSignal();
    private TaskCompletionSource _workAdded = NewSignal();
    private WebApplication? _app;
    private int _nextAgent;
    private int _pendingPolls;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Tasks the next registrations are told the server no longer wants.</summary>
    public IReadOnlyList<TaskRef> LostOnRegister { get; set; } = [];

    public long HeartbeatIntervalMs { get; set; } = 50;

    public IReadOnlyList<RegisterAgentRequest> Registrations => Snapshot(_registrations);

    public IReadOnlyList<string> Heartbeats => Snapshot(_heartbeats);

    public IReadOnlyList<TaskEvent> Events => Snapshot(_events);

    /// <summary>The events as they came: one list per request.</summary>
    public IReadOnlyList<IReadOnlyList<TaskEvent>> EventRequests => Snapshot(_eventRequests);

    public IReadOnlyList<AgentLogs> LogBatches => Snapshot(_logBatches);

    public IReadOnlyList<long> PollWaits => Snapshot(_pollWaits);

    public int PendingPolls => Volatile.Read(ref _pendingPolls);

    public static async Task<FakeAgentServer> StartAsync()
    {
        var server = new FakeAgentServer();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.ConfigureHttpJsonOptions(o => WharfJson.Configure(o.SerializerOptions));
        var app = builder.Build();
        server.Map(app);
        await app.StartAsync();
        server._app = app;
        server.BaseAddress = new Uri(app.Urls.First() + "/");
        return server;
    }

    /// <summary>Work for the agent's next (or current) poll.</summary>
    public void Enqueue(AgentWork work)
    {
        TaskCompletionSource added;
        lock (_gate)
        {
            _work.Enqueue(work);
            added = _workAdded;
            _workAdded = NewSignal();
        }

        added.TrySetResult();
    }

    public void Start(params TaskAssignment[] assignments) => Enqueue(new AgentWork(assignments, []));

    public void Stop(params TaskStop[] stops) => Enqueue(new AgentWork([], stops));

    /// <summary>From now on the agent's requests answer 404 unknown_agent, as after its lease ran out.</summary>
    public void Forget(string agentId)
    {
        lock (_gate)
        {
            _knownAgents.Remove(agentId);
        }
    }

    public IReadOnlyList<TaskEvent> EventsOf(string jobId, int rank = 0) =>
        [.. Events.Where(e => e.JobId == jobId && e.Rank == rank)];

    public IReadOnlyList<LogLine> LogLinesOf(string jobId, string stream) =>
        [.. LogBatches.SelectMany(b => b.Lines).Where(l => l.JobId == jobId && l.Stream == stream)];

    /// <summary>Waits for the first event of a kind for a rank.</summary>
    public async Task<TaskEvent> WaitForEventAsync(string jobId, int rank, TaskEventKind kind, int count = 1)
    {
        await WaitUntilAsync(s => s.EventsOf(jobId, rank).Count(e => e.Kind == kind) >= count, $"{count} {kind} event(s) of job {jobId} rank {rank}");
        return EventsOf(jobId, rank).First(e => e.Kind == kind);
    }

    /// <summary>Waits, without polling, until a request makes <paramref name="condition"/> true.</summary>
    public async Task WaitUntilAsync(Func<FakeAgentServer, bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            if (condition(this))
            {
                return;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || await Task.WhenAny(changed, Task.Delay(left)) != changed)
            {
                var events = string.Join("\n", Events.Select(e => $"  {e.JobId}/{e.Rank} {e.Kind} {e.ExitCode} {e.Message}"));
                throw new TimeoutException($"timed out waiting for {what}; events so far:\n{events}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private void Map(WebApplication app)
    {
        app.MapPost("/api/agent/register", (HttpRequest request, RegisterAgentRequest body) =>
        {
            if (!Authorized(request))
            {
                return Problem(401, "unauthorized");
            }

            string id;
            IReadOnlyList<TaskRef> lost;
            lock (_gate)
            {
                _registrations.Add(body);
                id = body.AgentId is { } known && _knownAgents.Contains(known) ? known : $"agent-{++_nextAgent}";
                _knownAgents.Add(id);
                lost = LostOnRegister;
            }

            Changed();
            return Results.Ok(new RegisterAgentResponse(
                id, [.. body.Nodes.Select((_, i) => $"{id}-node-{i}")], HeartbeatIntervalMs, 10_000, lost));
        });

        app.MapPost("/api/agent/heartbeat", (HttpRequest request, AgentHeartbeat body) =>
            Record(request, body.AgentId, () => _heartbeats.Add(body.AgentId)));

        app.MapPost("/api/agent/events", (HttpRequest request, AgentEvents body) =>
            Record(request, body.AgentId, () =>
            {
                _events.AddRange(body.Events);
                _eventRequests.Add(body.Events);
            }));

        app.MapPost("/api/agent/logs", (HttpRequest request, AgentLogs body) =>
            Record(request, body.AgentId, () => _logBatches.Add(body)));

        app.MapGet("/api/agent/work", async (HttpRequest request, string agentId, long waitMs, CancellationToken cancellationToken) =>
        {
            if (Refusal(request, agentId) is { } refusal)
            {
                return refusal;
            }

            lock (_gate)
            {
                _pollWaits.Add(waitMs);
            }

            Interlocked.Increment(ref _pendingPolls);
            Changed();
            try
            {
                var deadline = DateTime.UtcNow + TimeSpan.FromMilliseconds(waitMs);
                while (true)
                {
                    Task added;
                    lock (_gate)
                    {
                        if (_work.TryDequeue(out var work))
                        {
                            return Results.Ok(work);
                        }

                        added = _workAdded.Task;
                    }

                    var left = deadline - DateTime.UtcNow;
                    if (left <= TimeSpan.Zero)
                    {
                        return Results.Ok(new AgentWork([], []));
                    }

                    await Task.WhenAny(added, Task.Delay(left, cancellationToken));
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }
            finally
            {
                Interlocked.Decrement(ref _pendingPolls);
                Changed();
            }
        });
    }

    private IResult Record(HttpRequest request, string agentId, Action record)
    {
        if (Refusal(request, agentId) is { } refusal)
        {
            return refusal;
        }

        lock (_gate)
        {
            record();
        }

        Changed();
        return Results.NoContent();
    }

    private IResult? Refusal(HttpRequest request, string agentId)
    {
        if (!Authorized(request))
        {
            return Problem(401, "unauthorized");
        }

        lock (_gate)
        {
            return _knownAgents.Contains(agentId) ? null : Problem(404, "unknown_agent");
        }
    }

    private static bool Authorized(HttpRequest request) => request.Headers.Authorization.ToString() == $"Bearer {Token}";

    private static IResult Problem(int status, string code) => Results.Problem(
        statusCode: status,
        title: code,
        type: $"urn:wharf:problem:{code}",
        extensions: new Dictionary<string, object?> { ["code"] = code });

    private void Changed()
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            changed = _changed;
            _changed = NewSignal();
        }

        changed.TrySetResult();
    }

    private List<T> Snapshot<T>(List<T> list)
    {
        lock (_gate)
        {
            return [.. list];
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
