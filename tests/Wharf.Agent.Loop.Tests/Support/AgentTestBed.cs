using Wharf.Agent.Drivers;
using Wharf.Domain.Agents;
using Wharf.Domain.Jobs;

namespace Wharf.Agent.Loop.Tests.Support;

/// <summary>One test's world: its own temp folder (state and data) and its own fake server on its own port.</summary>
public sealed class AgentTestBed : IAsyncDisposable
{
    private AgentTestBed(FakeAgentServer server, string root)
    {
        Server = server;
        Root = root;
    }

    public FakeAgentServer Server { get; }

    public string Root { get; }

    public string StateDirectory => Path.Combine(Root, "state");

    public string DataDirectory => Path.Combine(Root, "data");

    public static async Task<AgentTestBed> CreateAsync()
    {
        var root = Path.Combine(Path.GetTempPath(), "wharf-agent-loop-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        return new AgentTestBed(await FakeAgentServer.StartAsync(), root);
    }

    /// <summary>Settings for an agent of this bed: quick retries and restarts, the server's 50 ms heartbeat.</summary>
    public AgentOptions Options(params IDriver[] drivers) => new()
    {
        ServerUrl = Server.BaseAddress,
        AgentToken = FakeAgentServer.Token,
        StateDirectory = StateDirectory,
        DataDirectory = DataDirectory,
        Drivers = drivers,
        PollWait = TimeSpan.FromSeconds(2),
        MaxRetryDelay = TimeSpan.FromMilliseconds(200),
        RestartDelay = TimeSpan.FromMilliseconds(20),
        MaxRestartDelay = TimeSpan.FromSeconds(5),
        StopGrace = TimeSpan.FromSeconds(2),
    };

    public static TaskAssignment Assignment(
        string jobId, int rank = 0, int replicas = 1, string driver = "fake", IReadOnlyList<string>? command = null,
        bool restartOnExit = false, IReadOnlyList<string>? ports = null) => new()
    {
        JobId = jobId,
        Rank = rank,
        Replicas = replicas,
        NodeId = "node-0",
        Driver = driver,
        Command = command ?? ["true"],
        Environment = new Dictionary<string, string> { ["GREETING"] = "hello" },
        Ports = ports ?? [],
        RestartOnExit = restartOnExit,
        Owner = new Owner("alice", "proj"),
    };

    /// <summary>The tasks the agent has persisted in its state folder, read while it may be running.</summary>
    internal IReadOnlyList<PersistedTask> PersistedTasks() => StateFolder.ReadTasks(StateDirectory);

    /// <summary>Waits for a condition that no request signals (a process ending), checking it every few milliseconds.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out waiting for {what}");
            }

            await Task.Delay(10);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A process that outlived its test may still write its logs; the temp folder is left behind.
        }
    }
}
