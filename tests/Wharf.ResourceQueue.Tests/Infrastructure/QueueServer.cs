using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Wharf.Domain.Jobs;
using Wharf.Domain.Serialization;
using Wharf.Server;

namespace Wharf.ResourceQueue.Tests.Infrastructure;

/// <summary>
/// A real server for one test: Kestrel on 127.0.0.1:0, SQLite in the test's own folder, a one-app catalog, fast
/// callback retries. alice (project p1) and bob (project p2) are users; <see cref="RestartAsync"/> stops the server
/// and starts a new one on the same data folder.
/// </summary>
public sealed class QueueServer : IAsyncDisposable
{
    private const string Catalog = """
        name: worker
        version: "1.0"
        command: ["sleep", "60"]
        parameters: []
        """;

    private const string Products = """
        id: small
        category: compute
        provider: test
        cpu: 1
        memoryInGigs: 1
        """;

    private readonly Dictionary<string, string> _tokens = [];
    private string _adminToken = "";

    private QueueServer(string directory) => Directory = directory;

    public string Directory { get; }

    public string DataDirectory => Path.Combine(Directory, "data");

    public WharfServerHost Host { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    /// <summary>alice, of project p1.</summary>
    public HttpClient User { get; private set; } = null!;

    /// <summary>bob, of project p2.</summary>
    public HttpClient OtherUser { get; private set; } = null!;

    /// <summary>The key callbacks are signed with (from the data folder).</summary>
    public byte[] CallbackKey => System.Text.Encoding.UTF8.GetBytes(File.ReadAllText(Path.Combine(DataDirectory, "callback.secret")).Trim());

    public static async Task<QueueServer> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "wharf-resource-queue-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "catalog", "apps"));
        File.WriteAllText(Path.Combine(directory, "catalog", "apps", "worker.yaml"), Catalog);
        File.WriteAllText(Path.Combine(directory, "catalog", "products.yaml"), Products);
        var server = new QueueServer(directory);
        await server.StartHostAsync();
        server._tokens["alice"] = await server.TokenForAsync("alice", "p1");
        server._tokens["bob"] = await server.TokenForAsync("bob", "p2");
        server.Connect();
        return server;
    }

    public async Task RestartAsync()
    {
        await Host.DisposeAsync();
        await StartHostAsync();
        Connect();
    }

    /// <summary>Declares a node of the pool <paramref name="pool"/> with <paramref name="cpu"/> cores.</summary>
    public async Task DeclareNodeAsync(string name, string pool, double cpu, string? aggregate = null)
    {
        var labels = new Dictionary<string, string> { ["pool"] = pool };
        if (aggregate is not null)
        {
            labels["aggregate"] = aggregate;
        }

        var response = await Admin.PostAsJsonAsync("api/nodes", new { name, capacity = new { cpu, memoryInGigs = 64, diskInGigs = 1000 }, labels }, WharfJson.Options);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Sends a request and returns its status and parsed body.</summary>
    public static async Task<(int Status, JsonElement Body)> SendAsync(HttpClient client, HttpMethod method, string route, object? body = null)
    {
        using var request = new HttpRequestMessage(method, route);
        if (body is string text)
        {
            request.Content = new StringContent(text, System.Text.Encoding.UTF8, "application/json");
        }
        else if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: new JsonSerializerOptions());
        }

        using var response = await client.SendAsync(request);
        var content = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, content.Length == 0 ? default : JsonDocument.Parse(content).RootElement.Clone());
    }

    /// <summary>Creates a resource-queue job as alice and returns its data.</summary>
    public async Task<JsonElement> CreateAsync(string type, string requestId, string callback, int vcpu = 1, string owner = "tenant-a", HttpClient? client = null)
    {
        var (status, body) = await SendAsync(client ?? User, HttpMethod.Post, $"v1/{type}/", new
        {
            request_id = requestId,
            owner_id = owner,
            data = new { instances = new[] { new { VCPU = vcpu, Memory = 512, Disk = 1 } }, project = "project id" },
            callback,
        });
        Assert.True(status == 200, body.ToString());
        Assert.True(body.GetProperty("ok").GetBoolean());
        return body.GetProperty("data");
    }

    public async Task<JsonElement> GetAsync(string type, string requestId, HttpClient? client = null)
    {
        var (status, body) = await SendAsync(client ?? User, HttpMethod.Get, $"v1/{type}/{requestId}/");
        Assert.True(status == 200, body.ToString());
        return body.GetProperty("data");
    }

    public async Task<List<JsonElement>> ListAsync(string type, string query = "", HttpClient? client = null)
    {
        var (status, body) = await SendAsync(client ?? User, HttpMethod.Get, $"v1/{type}/{query}");
        Assert.True(status == 200, body.ToString());
        return [.. body.GetProperty("data").EnumerateArray()];
    }

    public async Task UpdateAsync(string type, string requestId, object change)
    {
        var (status, body) = await SendAsync(User, HttpMethod.Post, $"v1/{type}/{requestId}", change);
        Assert.True(status == 200, body.ToString());
    }

    public async Task<Job> RetrieveAsync(string id)
    {
        var response = await User.GetAsync($"api/jobs/retrieve?id={id}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonSerializer.Deserialize<Job>(body, WharfJson.Options)!;
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task<string> TokenForAsync(string user, string project)
    {
        var response = await Admin.PostAsJsonAsync("api/tokens", new { role = "user", user, project }, WharfJson.Options);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("token").GetString()!;
    }

    private async Task StartHostAsync()
    {
        Host = await WharfServerHost.StartAsync(new WharfServerOptions
        {
            DataDirectory = DataDirectory,
            Urls = "http://127.0.0.1:0",
            CatalogDirectories = [Path.Combine(Directory, "catalog")],
            Callbacks = new CallbackOptions
            {
                InitialBackoff = TimeSpan.FromMilliseconds(100),
                MaxBackoff = TimeSpan.FromMilliseconds(400),
                RequestTimeout = TimeSpan.FromSeconds(2),
            },
        }, CancellationToken.None);
        _adminToken = Host.NewAdminToken ?? File.ReadAllText(Host.AdminTokenPath).Trim();
        Admin = Client(_adminToken);
    }

    private void Connect()
    {
        User = Client(_tokens["alice"]);
        OtherUser = Client(_tokens["bob"]);
    }

    private HttpClient Client(string token)
    {
        var client = new HttpClient { BaseAddress = Host.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
