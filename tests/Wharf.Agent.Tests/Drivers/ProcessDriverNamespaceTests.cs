using System.Diagnostics;
using System.Globalization;
using Wharf.Agent.Drivers;
using Wharf.Agent.Tests.Support;
using Wharf.Drivers.Process;

namespace Wharf.Agent.Tests.Drivers;

/// <summary>
/// Jobs without peers run in unnamed namespaces (made without running a program): still isolated, still reachable
/// through their forwarded ports, named when a job later names them as a peer, swept when stopped, and taken back
/// after an agent restart.
/// </summary>
public sealed class ProcessDriverNamespaceTests : IAsyncLifetime
{
    private readonly TestDirectory _directory = new();
    private readonly List<(ProcessDriver Driver, TaskHandle Handle)> _handles = [];
    private readonly List<ProcessDriver> _drivers = [];
    private readonly List<string> _jobIds = [];

    [IsolationFact]
    public async Task JobWithoutPeers_CannotReachAnotherJobsPort_NorTheHostsForwarder()
    {
        var driver = NewDriver();
        var server = await StartAsync(driver, Spec(TcpHelper.Serve("WHARF_PORT_HTTP", "private")) with { Ports = ["http"] });
        await WaitForLineAsync(driver, server, "listening");
        var port = server.Ports["http"].ToString(CultureInfo.InvariantCulture);

        // The same port number is the job's inside its namespace and the forwarder's on the host's 127.0.0.1.
        var outsider = await StartAsync(driver, Spec(TcpHelper.Fetch("127.0.0.1", port)));
        var result = await driver.WaitAsync(outsider, Timeout());

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("refused", await ErrorsAsync(outsider), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("private", await FetchFromHostAsync(server.State.PortAddress, server.Ports["http"]));
        Assert.NotEqual(NamespaceIdentity.Of(server.State.ProcessId!.Value), NamespaceIdentity.Of(outsider.State.ProcessId!.Value));
    }

    [IsolationFact]
    public async Task JobWithoutPeers_IsReachedByHostname_WhenAJobStartedLaterNamesItAsPeer()
    {
        var driver = NewDriver();
        var database = await StartAsync(driver, Spec(TcpHelper.Serve("WHARF_PORT_DB", "rows")) with { Ports = ["db"] });
        await WaitForLineAsync(driver, database, "listening");
        var name = JobNetwork.NameFor(null, database.JobId);
        Assert.Null(database.State.NetworkNamespace);
        Assert.False(File.Exists($"/run/netns/{name}"));

        var web = await StartAsync(driver, WebSpec(database));
        var result = await driver.WaitAsync(web, Timeout());

        Assert.True(result.ExitCode == 0, await ErrorsAsync(web));
        Assert.Equal("rows\n", await OutputAsync(web));
        Assert.Equal(database.State.DriverState[ProcessDriver.UnnamedNamespaceKey], NamespaceIdentity.AtPath($"/run/netns/{name}"));

        await driver.StopAsync(web, TimeSpan.FromSeconds(2), Timeout());
        await driver.StopAsync(database, TimeSpan.FromSeconds(2), Timeout());
        Assert.False(File.Exists($"/run/netns/{name}"));
    }

    [IsolationFact]
    public async Task JobWithoutPeers_TakenBackAfterRestart_IsStillForwarded_AndReachedByALaterPeer()
    {
        var first = NewDriver();
        var database = await StartAsync(first, Spec(TcpHelper.Serve("WHARF_PORT_DB", "recovered rows")) with { Ports = ["db"] });
        await WaitForLineAsync(first, database, "listening");
        await first.DisposeAsync();

        var second = NewDriver();
        var recovered = await second.RecoverAsync(database.State, Timeout());
        Assert.NotNull(recovered);
        _handles.Add((second, recovered));
        Assert.Empty(recovered.Warnings);
        Assert.Equal("recovered rows", await FetchFromHostAsync(recovered.State.PortAddress, recovered.Ports["db"]));

        var web = await StartAsync(second, WebSpec(recovered));
        var result = await second.WaitAsync(web, Timeout());

        Assert.True(result.ExitCode == 0, await ErrorsAsync(web));
        Assert.Equal("recovered rows\n", await OutputAsync(web));
    }

    [IsolationFact]
    public async Task Stop_EndsProcessThatLeftTheSession_InAnUnnamedNamespace()
    {
        var driver = NewDriver();
        var handle = await StartAsync(driver, Spec(["/bin/sh", "-c", "setsid sleep 300 & echo $! > escaped; echo started; sleep 300"]));
        await WaitForLineAsync(driver, handle, "started");
        var escaped = int.Parse(await File.ReadAllTextAsync(Path.Combine(handle.State.Spec.WorkingDirectory, "escaped")), CultureInfo.InvariantCulture);
        // setsid runs in the background: wait until the process has left the rank's session.
        await WaitUntilAsync(() => ProcStat.Read(escaped) is { } stat && stat.Session != handle.State.ProcessId);

        await driver.StopAsync(handle, TimeSpan.FromSeconds(2), Timeout());

        await WaitUntilAsync(() => ProcStat.Read(escaped) is null or { IsDead: true });
    }

    [IsolationFact]
    public async Task StartInTaskNetwork_ReachesTheTasksPortAtLoopback()
    {
        var driver = NewDriver();
        var server = await StartAsync(driver, Spec(TcpHelper.Serve("WHARF_PORT_HTTP", "from inside")) with { Ports = ["http"] });
        await WaitForLineAsync(driver, server, "listening");

        var answer = await RunInTaskNetworkAsync(driver, server, "127.0.0.1", server.Ports["http"]);

        Assert.Equal("from inside", answer);
    }

    [IsolationFact]
    public async Task StartInTaskNetwork_ResolvesThePeersHostname_OfAJobWithPeers()
    {
        var driver = NewDriver();
        var database = await StartAsync(driver, Spec(TcpHelper.Serve("WHARF_PORT_DB", "peer rows")) with { Ports = ["db"] });
        await WaitForLineAsync(driver, database, "listening");
        var web = await StartAsync(driver, WebSpec(database) with { Command = ["sleep", "300"] });

        var answer = await RunInTaskNetworkAsync(driver, web, "database", database.Ports["db"]);

        Assert.Equal("peer rows", answer);
    }

    private static async Task<string> RunInTaskNetworkAsync(ProcessDriver driver, TaskHandle handle, string host, int port)
    {
        var fetch = TcpHelper.Fetch(host, port.ToString(CultureInfo.InvariantCulture));
        var info = new ProcessStartInfo(fetch[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in fetch.Skip(1))
        {
            info.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = info };
        await driver.StartInTaskNetworkAsync(handle, process, Timeout());
        var output = await process.StandardOutput.ReadToEndAsync(Timeout());
        var errors = await process.StandardError.ReadToEndAsync(Timeout());
        await process.WaitForExitAsync(Timeout());
        Assert.True(process.ExitCode == 0, errors);
        return output.TrimEnd('\n');
    }

    private TaskSpec WebSpec(TaskHandle database) =>
        Spec(TcpHelper.Fetch("database", "\"$WHARF_PEER_DATABASE_PORT_DB\"")) with
        {
            Peers = new Dictionary<string, TaskPeer>
            {
                ["database"] = new() { JobId = database.JobId, Address = "127.0.0.1", Ports = new Dictionary<string, int>(database.Ports) },
            },
        };

    private static async Task<string> FetchFromHostAsync(string address, int port)
    {
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(address, port, Timeout());
        using var reader = new StreamReader(client.GetStream());
        return (await reader.ReadToEndAsync(Timeout())).TrimEnd('\n');
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(condition(), "the condition did not come true within 5 seconds");
    }

    private static Task<string> OutputAsync(TaskHandle handle) => File.ReadAllTextAsync(TaskLogFiles.StdoutPath(handle.State.Spec.LogDirectory));

    private static Task<string> ErrorsAsync(TaskHandle handle) => File.ReadAllTextAsync(TaskLogFiles.StderrPath(handle.State.Spec.LogDirectory));

    private static async Task WaitForLineAsync(ProcessDriver driver, TaskHandle handle, string text)
    {
        await foreach (var line in driver.FollowLogsAsync(handle, Timeout()))
        {
            if (line.Text == text)
            {
                return;
            }
        }

        throw new InvalidOperationException($"the task ended without writing '{text}': {await ErrorsAsync(handle)}");
    }

    private ProcessDriver NewDriver()
    {
        var driver = new ProcessDriver();
        _drivers.Add(driver);
        return driver;
    }

    private async Task<TaskHandle> StartAsync(ProcessDriver driver, TaskSpec spec)
    {
        var handle = await driver.StartAsync(spec, Timeout());
        _handles.Add((driver, handle));
        return handle;
    }

    private TaskSpec Spec(IReadOnlyList<string> command)
    {
        var jobId = "u" + Guid.NewGuid().ToString("N")[..10];
        _jobIds.Add(jobId);
        return new TaskSpec
        {
            JobId = jobId,
            Command = command,
            WorkingDirectory = _directory.Combine(jobId, "work"),
            LogDirectory = _directory.Combine(jobId, "logs"),
        };
    }

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var (driver, handle) in Enumerable.Reverse(_handles))
        {
            await driver.StopAsync(handle, TimeSpan.FromMilliseconds(200), CancellationToken.None);
        }

        foreach (var driver in _drivers)
        {
            await driver.DisposeAsync();
        }

        foreach (var name in _jobIds.Select(id => JobNetwork.NameFor(null, id)).Where(n => File.Exists($"/run/netns/{n}")))
        {
            await SystemCommand.TryRunAsync("ip", ["netns", "del", name], CancellationToken.None);
        }

        _directory.Dispose();
    }
}
