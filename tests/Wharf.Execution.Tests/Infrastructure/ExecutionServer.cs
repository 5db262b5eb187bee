using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Wharf.Domain.Jobs;
using Wharf.Domain.Serialization;
using Wharf.Server;

namespace Wharf.Execution.Tests.Infrastructure;

/// <summary>
/// A real server for one test: Kestrel on 127.0.0.1:0, SQLite in the test's own folder, the test catalog, short
/// leases; a user client (project p1) and an admin client. <see cref="RestartAsync"/> stops it and starts a new one on
/// the same data folder.
/// </summary>
public sealed class ExecutionServer : IAsyncDisposable
{
    public static readonly TimeSpan LeaseTimeout = TimeSpan.FromSeconds(2);

    private readonly Func<ExecutionOptions, ExecutionOptions>? _configure;
    private readonly string? _postgres;
    private readonly Dictionary<string, string> _tokens = [];

    private ExecutionServer(string directory, Func<ExecutionOptions, ExecutionOptions>? configure, string? postgres, string? adminToken)
    {
        Directory = directory;
        _configure = configure;
        _postgres = postgres;
        AdminToken = adminToken!;
    }

    /// <summary>The admin token's secret (shared by servers on one database).</summary>
    public string AdminToken { get; private set; }

    public string Directory { get; }

    public string CatalogDirectory => Path.Combine(Directory, "catalog");

    public WharfServerHost Host { get; private set; } = null!;

    /// <summary>An admin.</summary>
    public HttpClient Admin { get; private set; } = null!;

    /// <summary>alice, of project p1.</summary>
    public HttpClient User { get; private set; } = null!;

    /// <summary>bob, of project p2.</summary>
    public HttpClient OtherUser { get; private set; } = null!;

    /// <summary>Starts a server on SQLite, or on <paramref name="postgres"/> (then another server's <paramref name="adminToken"/> may be needed).</summary>
    public static async Task<ExecutionServer> StartAsync(
        Func<ExecutionOptions, ExecutionOptions>? configure = null, string? postgres = null, string? adminToken = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "wharf-execution-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        TestCatalog.Write(directory);
        var server = new ExecutionServer(directory, configure, postgres, adminToken);
        await server.StartHostAsync();
        server._tokens["alice"] = await server.TokenForAsync("user", "alice", "p1");
        server._tokens["bob"] = await server.TokenForAsync("user", "bob", "p2");
        server.Connect();
        return server;
    }

    /// <summary>Stops the server (as a crash would leave things: agents keep running) and starts a new one on the same data.</summary>
    public async Task RestartAsync()
    {
        await Host.DisposeAsync();
        await StartHostAsync();
        Connect();
    }

    /// <summary>A client with a new token of <paramref name="role"/>.</summary>
    public async Task<HttpClient> ClientForAsync(string role, string user, string? project = null) =>
        Client(Host.BaseAddress, await TokenForAsync(role, user, project));

    /// <summary>A new token's secret.</summary>
    public async Task<string> TokenForAsync(string role, string user, string? project = null)
    {
        var response = await Admin.PostAsJsonAsync("api/tokens", new { role, user, project }, WharfJson.Options);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("token").GetString()!;
    }

    /// <summary>A client of this server (at its current address) with <paramref name="token"/>.</summary>
    public HttpClient Client(string token) => Client(Host.BaseAddress, token);

    /// <summary>Creates one job as alice and returns its id.</summary>
    public async Task<string> SubmitAsync(object item, HttpClient? client = null)
    {
        var response = await (client ?? User).PostAsJsonAsync("api/jobs", new { items = new[] { item } }, WharfJson.Options);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("responses")[0].GetProperty("id").GetString()!;
    }

    public async Task<Job> RetrieveAsync(string id, HttpClient? client = null)
    {
        var response = await (client ?? User).GetAsync($"api/jobs/retrieve?id={id}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonSerializer.Deserialize<Job>(body, WharfJson.Options)!;
    }

    /// <summary>Waits until the job satisfies <paramref name="condition"/>, failing after <paramref name="within"/> (10 s by default).</summary>
    public async Task<Job> WaitForAsync(string id, Func<Job, bool> condition, string what, TimeSpan? within = null)
    {
        var deadline = DateTimeOffset.UtcNow + (within ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var job = await RetrieveAsync(id);
            if (condition(job))
            {
                return job;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                Assert.Fail($"job {id} did not become {what}; it is {job.Status.State.ToWire()}: {job.Status.Reason}");
            }

            await Task.Delay(20);
        }
    }

    public Task<Job> WaitForStateAsync(string id, JobState state, TimeSpan? within = null) =>
        WaitForAsync(id, job => job.Status.State == state, state.ToWire(), within);

    public async Task<HttpResponseMessage> PostAsync(HttpClient client, string route, object body) =>
        await client.PostAsJsonAsync(route, body, WharfJson.Options);

    public static object Item(
        string application = "worker", string product = "small", int replicas = 1, object? parameters = null, object? resources = null,
        object? timeAllocation = null, bool? restartOnExit = null, string? queue = null, string name = "test job") => new Dictionary<string, object?>
        {
            ["application"] = new { name = application, version = "1.0" },
            ["product"] = new { id = product, category = "compute", provider = "test" },
            ["name"] = name,
            ["replicas"] = replicas,
            ["allowDuplicateJob"] = true,
            ["parameters"] = parameters,
            ["resources"] = resources,
            ["timeAllocation"] = timeAllocation,
            ["restartOnExit"] = restartOnExit,
            ["queue"] = queue,
        };

    public async ValueTask DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task StartHostAsync()
    {
        var execution = new ExecutionOptions
        {
            LeaseTimeout = LeaseTimeout,
            ResendInterval = TimeSpan.FromMilliseconds(500),
            StopGrace = TimeSpan.FromSeconds(1),
        };
        Host = await WharfServerHost.StartAsync(new WharfServerOptions
        {
            DataDirectory = Path.Combine(Directory, "data"),
            Urls = "http://127.0.0.1:0",
            CatalogDirectories = [CatalogDirectory],
            PostgresConnectionString = _postgres,
            Execution = _configure?.Invoke(execution) ?? execution,
        }, CancellationToken.None);
        AdminToken = Host.NewAdminToken ?? (File.Exists(Host.AdminTokenPath) ? File.ReadAllText(Host.AdminTokenPath).Trim() : AdminToken);
        Admin = Client(Host.BaseAddress, AdminToken);
    }

    private void Connect()
    {
        User = Client(_tokens["alice"]);
        OtherUser = Client(_tokens["bob"]);
    }

    private static HttpClient Client(Uri baseAddress, string token)
    {
        var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
