using System.Net.Sockets;
using Wharf.Agent.Drivers;
using Wharf.Agent.Tests.Support;
using Wharf.Drivers.Process;
using Xunit.Abstractions;

namespace Wharf.Agent.Tests.Drivers;

/// <summary>Ports, peers and isolation of the process driver, with real listeners in real jobs.</summary>
public sealed class ProcessDriverNetworkTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TestDirectory _directory = new();
    private readonly ProcessDriver _driver = new();
    private readonly List<TaskHandle> _handles = [];
    private readonly List<string> _jobIds = [];

    [Fact]
    public async Task Ports_AreAllocatedAndReachableFromHost_ThroughForwarderWhenIsolated()
    {
        var server = await StartAsync(Spec(TcpHelper.Serve("WHARF_PORT_HTTP", "hello from the job")) with { Ports = ["http"] });
        await WaitForLineAsync(server, "listening");

        var answer = await FetchFromHostAsync(server.State.PortAddress, server.Ports["http"]);

        Assert.Equal("hello from the job", answer);
        output.WriteLine($"isolated: {_driver.Capabilities.NetworkIsolation}, port {server.Ports["http"]}");
    }

    [IsolationFact]
    public async Task Peer_ReachesJobByHostname_AndJobThatIsNotPeerCannotConnect()
    {
        var database = await StartAsync(Spec(TcpHelper.Serve("WHARF_PORT_DB", "rows from the database")) with { Ports = ["db"] });
        await WaitForLineAsync(database, "listening");
        var peer = new TaskPeer { JobId = database.JobId, Address = "127.0.0.1", Ports = new Dictionary<string, int>(database.Ports) };

        var web = await StartAsync(Spec(TcpHelper.Fetch("database", "\"$WHARF_PEER_DATABASE_PORT_DB\"")) with
        {
            Peers = new Dictionary<string, TaskPeer> { ["database"] = peer },
        });
        var webResult = await _driver.WaitAsync(web, Timeout());
        var webOutput = await File.ReadAllTextAsync(TaskLogFiles.StdoutPath(web.State.Spec.LogDirectory));
        var webErrors = await File.ReadAllTextAsync(TaskLogFiles.StderrPath(web.State.Spec.LogDirectory));
        Assert.True(webResult.ExitCode == 0, $"the peer could not connect: {webErrors}");
        Assert.Equal("rows from the database\n", webOutput);

        // The address "database" has for the web job exists only in the two jobs' namespaces.
        var hosts = await File.ReadAllLinesAsync($"/etc/netns/{web.State.NetworkNamespace}/hosts");
        var databaseAddress = hosts.Select(l => l.Split('\t')).Single(p => p.Length == 2 && p[1] == "database")[0];
        var port = database.Ports["db"].ToString(System.Globalization.CultureInfo.InvariantCulture);
        var outsider = await StartAsync(Spec(["/bin/sh", "-c", $"{Quote(TcpHelper.Fetch(databaseAddress, port))}; {Quote(TcpHelper.Fetch("database", port))}"]));
        var outsiderResult = await _driver.WaitAsync(outsider, Timeout());
        var outsiderOutput = await File.ReadAllTextAsync(TaskLogFiles.StdoutPath(outsider.State.Spec.LogDirectory));
        var outsiderErrors = await File.ReadAllLinesAsync(TaskLogFiles.StderrPath(outsider.State.Spec.LogDirectory));
        output.WriteLine(string.Join('\n', outsiderErrors));

        Assert.NotEqual(0, outsiderResult.ExitCode);
        Assert.Equal("", outsiderOutput);
        Assert.Equal(2, outsiderErrors.Count(l => l.StartsWith("fetch failed", StringComparison.Ordinal)));
        Assert.Contains("unreachable", outsiderErrors[0], StringComparison.OrdinalIgnoreCase);
    }

    [IsolationFact]
    public async Task Peer_IsLinkedAgain_WhenPeerJobRestarts()
    {
        var databaseJob = NewJobId();
        var webJob = NewJobId();
        var firstDatabase = await StartAsync(Spec(TcpHelper.Serve("WHARF_PORT_DB", "first"), databaseJob) with { Ports = ["db"] });
        await WaitForLineAsync(firstDatabase, "listening");
        TaskSpec WebRank(int rank, TaskHandle database, IReadOnlyList<string> command) => Spec(command, webJob, rank, replicas: 2) with
        {
            Peers = new Dictionary<string, TaskPeer>
            {
                ["database"] = new() { JobId = databaseJob, Address = "127.0.0.1", Ports = new Dictionary<string, int>(database.Ports) },
            },
        };
        // Rank 0 keeps the web job's namespace alive; rank 1, started later in the same namespace, does the checking.
        await StartAsync(WebRank(0, firstDatabase, ["sleep", "300"]));
        await _driver.StopAsync(firstDatabase, TimeSpan.FromSeconds(2), Timeout());
        Assert.False(File.Exists($"/run/netns/{JobNetwork.NameFor(null, databaseJob)}"));

        var secondDatabase = await StartAsync(Spec(TcpHelper.Serve("WHARF_PORT_DB", "second"), databaseJob) with { Ports = ["db"] });
        // The restarted rank appends to the same log, which already holds the first run's line.
        await WaitForLineAsync(secondDatabase, "listening", occurrence: 2);
        var check = await StartAsync(WebRank(1, secondDatabase, TcpHelper.Fetch("database", "\"$WHARF_PEER_DATABASE_PORT_DB\"")));
        var result = await _driver.WaitAsync(check, Timeout());

        Assert.True(result.ExitCode == 0, await File.ReadAllTextAsync(TaskLogFiles.StderrPath(check.State.Spec.LogDirectory)));
        Assert.Equal("second\n", await File.ReadAllTextAsync(TaskLogFiles.StdoutPath(check.State.Spec.LogDirectory)));
    }

    [IsolationFact]
    public async Task Peer_RunningElsewhere_IsReachedByHostnameThroughForwarder()
    {
        using var elsewhere = new TcpListener(System.Net.IPAddress.Loopback, 0);
        elsewhere.Start();
        var serving = ServeOnceAsync(elsewhere, "hello from another node");
        var port = ((System.Net.IPEndPoint)elsewhere.LocalEndpoint).Port;
        var peer = new TaskPeer { JobId = "not-on-this-node", Address = "127.0.0.1", Ports = new Dictionary<string, int> { ["api"] = port } };

        var job = await StartAsync(Spec(TcpHelper.Fetch("\"$WHARF_PEER_REMOTE_HOST\"", "\"$WHARF_PEER_REMOTE_PORT_API\"")) with
        {
            Peers = new Dictionary<string, TaskPeer> { ["remote"] = peer },
        });
        var result = await _driver.WaitAsync(job, Timeout());

        Assert.True(result.ExitCode == 0, await File.ReadAllTextAsync(TaskLogFiles.StderrPath(job.State.Spec.LogDirectory)));
        Assert.Equal("hello from another node\n", await File.ReadAllTextAsync(TaskLogFiles.StdoutPath(job.State.Spec.LogDirectory)));
        await serving;
    }

    [IsolationFact]
    public async Task Start_LeavesNoNamespace_WhenCommandIsMissing()
    {
        var spec = Spec(["wharf-no-such-command"]);

        var error = await Assert.ThrowsAsync<TaskStartException>(() => _driver.StartAsync(spec, Timeout()));

        Assert.Contains("wharf-no-such-command", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists($"/run/netns/{JobNetwork.NameFor(null, spec.JobId)}"));
    }

    [IsolationFact]
    public async Task Ranks_ShareTheirJobNamespace_UntilTheLastStops()
    {
        var jobId = NewJobId();
        var first = await StartAsync(Spec(["sleep", "300"], jobId, rank: 0, replicas: 2));
        var second = await StartAsync(Spec(["sleep", "300"], jobId, rank: 1, replicas: 2));
        // A job without peers gets an unnamed namespace: the same one for both ranks, and not the agent's.
        var identity = NamespaceIdentity.Of(first.State.ProcessId!.Value);
        Assert.NotNull(identity);
        Assert.Equal(identity, NamespaceIdentity.Of(second.State.ProcessId!.Value));
        Assert.NotEqual(NamespaceIdentity.Of(Environment.ProcessId), identity);
        Assert.Null(first.State.NetworkNamespace);
        Assert.Equal(identity, first.State.DriverState[ProcessDriver.UnnamedNamespaceKey]);

        await _driver.StopAsync(first, TimeSpan.FromSeconds(2), Timeout());
        await Task.Delay(100);
        Assert.False(_driver.WaitAsync(second, CancellationToken.None).IsCompleted, "the other rank ended with the first");
        Assert.Equal(identity, NamespaceIdentity.Of(second.State.ProcessId!.Value));

        await _driver.StopAsync(second, TimeSpan.FromSeconds(2), Timeout());
        Assert.Empty(ProcStat.InNetworkNamespace(identity));
        Assert.False(File.Exists($"/run/netns/{JobNetwork.NameFor(null, jobId)}"));
    }

    [IsolationFact]
    public async Task Ranks_OfJobWithPeers_ShareNamedNamespace_UntilTheLastStops()
    {
        var jobId = NewJobId();
        var peers = new Dictionary<string, TaskPeer> { ["elsewhere"] = new() { JobId = "not-here", Address = "127.0.0.1" } };
        var first = await StartAsync(Spec(["sleep", "300"], jobId, rank: 0, replicas: 2) with { Peers = peers });
        var second = await StartAsync(Spec(["sleep", "300"], jobId, rank: 1, replicas: 2) with { Peers = peers });
        var name = JobNetwork.NameFor(null, jobId);
        Assert.Equal(name, first.State.NetworkNamespace);
        Assert.Equal(name, second.State.NetworkNamespace);

        await _driver.StopAsync(first, TimeSpan.FromSeconds(2), Timeout());
        Assert.True(File.Exists($"/run/netns/{name}"), "the namespace went away while a rank still runs in it");

        await _driver.StopAsync(second, TimeSpan.FromSeconds(2), Timeout());
        Assert.False(File.Exists($"/run/netns/{name}"));
    }

    private static async Task ServeOnceAsync(TcpListener listener, string text)
    {
        using var client = await listener.AcceptTcpClientAsync(Timeout());
        await client.GetStream().WriteAsync(System.Text.Encoding.UTF8.GetBytes(text + "\n"));
        client.Client.Shutdown(SocketShutdown.Send);
    }

    private static async Task<string> FetchFromHostAsync(string address, int port)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(address, port, Timeout());
        using var reader = new StreamReader(client.GetStream());
        return (await reader.ReadToEndAsync(Timeout())).TrimEnd('\n');
    }

    private TaskSpec Spec(IReadOnlyList<string> command, string? jobId = null, int rank = 0, int replicas = 1)
    {
        jobId ??= NewJobId();
        var folder = _directory.Combine(jobId, rank.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return new TaskSpec
        {
            JobId = jobId,
            Rank = rank,
            Replicas = replicas,
            Command = command,
            WorkingDirectory = Path.Combine(folder, "work"),
            LogDirectory = Path.Combine(folder, "logs"),
        };
    }

    private string NewJobId()
    {
        var jobId = "n" + Guid.NewGuid().ToString("N")[..10];
        _jobIds.Add(jobId);
        return jobId;
    }

    private async Task<TaskHandle> StartAsync(TaskSpec spec)
    {
        var handle = await _driver.StartAsync(spec, Timeout());
        _handles.Add(handle);
        return handle;
    }

    private async Task WaitForLineAsync(TaskHandle handle, string text, int occurrence = 1)
    {
        await foreach (var line in _driver.FollowLogsAsync(handle, Timeout()))
        {
            if (line.Text == text && --occurrence == 0)
            {
                return;
            }
        }

        throw new InvalidOperationException($"the task ended without writing '{text}': {await File.ReadAllTextAsync(TaskLogFiles.StderrPath(handle.State.Spec.LogDirectory))}");
    }

    private static string Quote(IReadOnlyList<string> command) =>
        string.Join(' ', command.Select(w => "'" + w.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var handle in _handles)
        {
            await _driver.StopAsync(handle, TimeSpan.FromMilliseconds(200), CancellationToken.None);
        }

        await _driver.DisposeAsync();
        foreach (var name in _jobIds.Select(id => JobNetwork.NameFor(null, id)).Where(n => File.Exists($"/run/netns/{n}")))
        {
            await SystemCommand.TryRunAsync("ip", ["netns", "del", name], CancellationToken.None);
        }

        _directory.Dispose();
    }
}
