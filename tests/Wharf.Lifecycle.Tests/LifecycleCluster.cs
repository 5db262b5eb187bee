using System.Text.Json;
using Wharf.Agent;
using Wharf.Client;
using Wharf.Domain.Jobs;
using Wharf.Domain.Serialization;
using Wharf.Drivers.Process;
using Wharf.Server;

namespace Wharf.Lifecycle.Tests;

/// <summary>A real server on loopback (SQLite in a temp folder) with one agent running the real process driver, without network isolation for speed.</summary>
internal sealed class LifecycleCluster : IAsyncDisposable
{
    private AgentHost? _agent;

    private LifecycleCluster(string root) => Root = root;

    public string Root { get; }

    public string DataDirectory => Path.Combine(Root, "data");

    public WharfServerHost Server { get; private set; } = null!;

    public WharfClient Admin { get; private set; } = null!;

    public WharfClient User { get; private set; } = null!;

    public string AdminToken { get; private set; } = "";

    public static async Task<LifecycleCluster> StartAsync(string catalogYaml = "")
    {
        var root = Path.Combine(Path.GetTempPath(), "wharf-lifecycle-" + Guid.NewGuid().ToString("N")[..10]);
        var catalog = Path.Combine(root, "catalog");
        Directory.CreateDirectory(catalog);
        File.WriteAllText(Path.Combine(catalog, "product.yaml"), """
            kind: product
            id: test-compute
            category: test-compute
            provider: test
            cpu: 0.1
            memoryInGigs: 0
            """);
        if (catalogYaml.Length > 0)
        {
            File.WriteAllText(Path.Combine(catalog, "apps.yaml"), catalogYaml);
        }

        var cluster = new LifecycleCluster(root);
        cluster.Server = await WharfServerHost.StartAsync(
            new WharfServerOptions { DataDirectory = cluster.DataDirectory, Urls = "http://127.0.0.1:0", CatalogDirectories = [catalog] },
            CancellationToken.None);
        cluster.AdminToken = (await File.ReadAllTextAsync(cluster.Server.AdminTokenPath)).Trim();
        cluster.Admin = new WharfClient(cluster.Server.BaseAddress, cluster.AdminToken);
        var userToken = (await cluster.Admin.CreateTokenAsync(new TokenRequest("user", "alice", "123", "test", null), default)).Token;
        cluster.User = new WharfClient(cluster.Server.BaseAddress, userToken);
        var agentToken = (await cluster.Admin.CreateTokenAsync(new TokenRequest("agent", "agent-1", null, "test", null), default)).Token;
        cluster._agent = await AgentHost.StartAsync(
            new AgentOptions
            {
                ServerUrl = cluster.Server.BaseAddress,
                AgentToken = agentToken,
                StateDirectory = Path.Combine(cluster.DataDirectory, "agent"),
                DataDirectory = cluster.DataDirectory,
                Drivers = [new ProcessDriver(new ProcessDriverOptions { NetworkIsolation = NetworkIsolationMode.Disabled })],
                StopGrace = TimeSpan.FromSeconds(2),
                StopTasksOnExit = true,
            },
            CancellationToken.None);
        return cluster;
    }

    public string WorkingDirectory(string jobId, int rank = 0) => Path.Combine(DataDirectory, "jobs", jobId, rank.ToString(System.Globalization.CultureInfo.InvariantCulture), "work");

    public async Task<string> SubmitAsync(string application, string version, IReadOnlyDictionary<string, JsonElement>? properties = null, string? name = null)
    {
        var ids = await User.CreateJobsAsync(
            [
                new JobSpecification
                {
                    Application = new NameAndVersion(application, version),
                    Product = new ProductReference("test-compute", "test-compute", "test"),
                    Name = name,
                    Properties = properties,
                    AllowDuplicateJob = true,
                },
            ],
            null,
            default);
        return ids[0];
    }

    public Task<Job> WaitForFinalAsync(string id, TimeSpan? timeout = null) => WaitForAsync(id, j => j.Status.State.IsFinal(), timeout);

    public async Task<Job> WaitForAsync(string id, Func<Job, bool> condition, TimeSpan? timeout = null)
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

        throw new TimeoutException($"job {id} did not get there: {JsonSerializer.Serialize(job, WharfJson.Options)}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_agent is { } agent)
        {
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
    }
}
