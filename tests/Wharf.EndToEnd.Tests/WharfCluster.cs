using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Wharf.Agent;
using Wharf.Client;
using Wharf.Domain.Jobs;
using Wharf.Domain.Serialization;
using Wharf.Drivers.Process;
using Wharf.Server;

namespace Wharf.EndToEnd.Tests;

/// <summary>
/// A whole Wharf on this machine, as `wharf up` runs it: a server on loopback with SQLite in a temp folder, the
/// example catalog plus a test catalog, and one agent with the real process driver. Everything is real.
/// </summary>
internal sealed class WharfCluster : IAsyncDisposable
{
    private readonly ExecutionOptions _execution;
    private readonly int _port;
    private readonly bool _keepTasksWhenAgentStops;
    private AgentHost? _agent;

    private WharfCluster(string root, ExecutionOptions execution, int port, bool keepTasksWhenAgentStops)
    {
        Root = root;
        _execution = execution;
        _port = port;
        _keepTasksWhenAgentStops = keepTasksWhenAgentStops;
    }

    public string Root { get; }

    public string DataDirectory => Path.Combine(Root, "data");

    public WharfServerHost Server { get; private set; } = null!;

    public WharfClient Admin { get; private set; } = null!;

    public WharfClient User { get; private set; } = null!;

    public string UserToken { get; private set; } = "";

    public string AgentToken { get; private set; } = "";

    public Uri BaseAddress => Server.BaseAddress;

    /// <param name="execution">Server settings (lease timeout).</param>
    /// <param name="keepTasksWhenAgentStops">Let a stopped agent leave its processes running, as a crashed one would; otherwise it stops them.</param>
    public static async Task<WharfCluster> StartAsync(ExecutionOptions? execution = null, bool keepTasksWhenAgentStops = false)
    {
        var root = Path.Combine(Path.GetTempPath(), "wharf-e2e-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(root);
        var cluster = new WharfCluster(root, execution ?? new ExecutionOptions { LeaseTimeout = TimeSpan.FromSeconds(3) }, FreePort(), keepTasksWhenAgentStops);
        await cluster.StartServerAsync();
        var admin = await File.ReadAllTextAsync(cluster.Server.AdminTokenPath);
        cluster.Admin = new WharfClient(cluster.BaseAddress, admin.Trim());
        cluster.UserToken = (await cluster.Admin.CreateTokenAsync(new TokenRequest("user", "alice", "123", "e2e", null), default)).Token;
        cluster.User = new WharfClient(cluster.BaseAddress, cluster.UserToken);
        cluster.AgentToken = (await cluster.Admin.CreateTokenAsync(new TokenRequest("agent", "agent-1", null, "e2e", null), default)).Token;
        await cluster.StartAgentAsync();

        return cluster;
    }

    public async Task StartServerAsync()
    {
        Server = await WharfServerHost.StartAsync(
            new WharfServerOptions
            {
                DataDirectory = DataDirectory,
                Urls = $"http://127.0.0.1:{_port}",
                CatalogDirectories = [Path.Combine(RepositoryRoot(), "examples", "catalog"), TestCatalog.Write(Path.Combine(Root, "catalog"))],
                Execution = _execution,
            },
            CancellationToken.None);
    }

    public async Task StopServerAsync() => await Server.DisposeAsync();

    public async Task StartAgentAsync()
    {
        _agent = await AgentHost.StartAsync(
            new AgentOptions
            {
                ServerUrl = BaseAddress,
                AgentToken = AgentToken,
                StateDirectory = Path.Combine(DataDirectory, "agent"),
                DataDirectory = DataDirectory,
                Drivers = [new ProcessDriver(new ProcessDriverOptions { Scope = ProcessDriverOptions.ScopeFor(Path.Combine(DataDirectory, "agent")) })],
                StopGrace = TimeSpan.FromSeconds(2),
                StopTasksOnExit = !_keepTasksWhenAgentStops,
            },
            CancellationToken.None);
    }

    /// <summary>Stops the agent; it says nothing more (and, with keepTasksWhenAgentStops, leaves its processes running as a crash would).</summary>
    public async Task StopAgentAsync()
    {
        if (_agent is { } agent)
        {
            _agent = null;
            await agent.DisposeAsync();
        }
    }

    public async Task<Job> WaitForAsync(string id, Func<Job, bool> condition, TimeSpan? timeout = null, string? what = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        Job job;
        do
        {
            job = await Admin.RetrieveJobAsync(id, default);
            if (condition(job))
            {
                return job;
            }

            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);

        throw new TimeoutException($"job {id} did not become {what ?? "as expected"}: {JsonSerializer.Serialize(job, WharfJson.Options)}");
    }

    public Task<Job> WaitForStateAsync(string id, JobState state, TimeSpan? timeout = null) =>
        WaitForAsync(id, j => j.Status.State == state, timeout, state.ToWire());

    public Task<Job> WaitForFinalAsync(string id, TimeSpan? timeout = null) =>
        WaitForAsync(id, j => j.Status.State.IsFinal(), timeout, "final");

    /// <summary>Submits a job of the test catalog's <c>probe</c> application, which runs a bash script.</summary>
    public async Task<string> RunScriptAsync(string script, SimpleDuration? time = null, IReadOnlyList<AppParameterValue>? resources = null, bool restartOnExit = false)
    {
        var ids = await User.CreateJobsAsync(
            [
                new JobSpecification
                {
                    Application = new NameAndVersion("probe", "1.0.0"),
                    Product = new ProductReference("example-compute", "example-compute", "example"),
                    Parameters = new Dictionary<string, AppParameterValue> { ["script"] = AppParameterValue.Text(script) },
                    TimeAllocation = time,
                    Resources = resources,
                    RestartOnExit = restartOnExit,
                    AllowDuplicateJob = true,
                },
            ],
            null,
            default);
        return ids[0];
    }

    public static bool CanIsolate =>
        OperatingSystem.IsLinux() && Environment.UserName == "root" && new[] { "/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip" }.Any(File.Exists);

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Wharf.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("cannot find the repository root (Wharf.slnx) above " + AppContext.BaseDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        if (_agent is { } agent)
        {
            // Tests end with their jobs finished or stopped; stop whatever is left so no process outlives the test.
            foreach (var job in await ListActiveAsync())
            {
                try
                {
                    await Admin.TerminateAsync([job], default);
                }
                catch (WharfApiException)
                {
                }
            }

            await agent.DisposeAsync();
        }

        await Server.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private async Task<List<string>> ListActiveAsync()
    {
        var ids = new List<string>();
        try
        {
            await foreach (var job in Admin.BrowseAllJobsAsync(new JobBrowseQuery { States = [JobState.Running, JobState.InQueue] }, default))
            {
                ids.Add(job.Id);
            }
        }
        catch (WharfApiException)
        {
        }

        return ids;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
