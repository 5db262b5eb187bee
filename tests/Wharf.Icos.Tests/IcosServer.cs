using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Wharf.Domain.Jobs;
using Wharf.Domain.Serialization;
using Wharf.Server;

namespace Wharf.Icos.Tests;

/// <summary>
/// A real server for one test: Kestrel on 127.0.0.1:0 and SQLite in the test's own folder. alice (project p1) and
/// bob (p2) are users; ocm-1, ocm-2 and nuvla-1 are ICOS agents with user tokens of p1, logging in as the agents do,
/// through the Keycloak-style token endpoint.
/// </summary>
public sealed class IcosServer : IAsyncDisposable
{
    private const string Products = """
        id: small
        category: compute
        provider: test
        cpu: 4
        memoryInGigs: 8
        """;

    private IcosServer(string directory) => Directory = directory;

    public string Directory { get; }

    public WharfServerHost Host { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    /// <summary>alice, of project p1.</summary>
    public HttpClient Alice { get; private set; } = null!;

    /// <summary>bob, of project p2.</summary>
    public HttpClient Bob { get; private set; } = null!;

    /// <summary>The Wharf API token of each agent (its client secret).</summary>
    public Dictionary<string, string> Secrets { get; } = [];

    public static async Task<IcosServer> StartAsync(TimeProvider? time = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "wharf-icos-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "catalog", "apps"));
        File.WriteAllText(Path.Combine(directory, "catalog", "products.yaml"), Products);
        var server = new IcosServer(directory);
        server.Host = await WharfServerHost.StartAsync(new WharfServerOptions
        {
            DataDirectory = Path.Combine(directory, "data"),
            Urls = "http://127.0.0.1:0",
            CatalogDirectories = [Path.Combine(directory, "catalog")],
            TimeProvider = time ?? TimeProvider.System,
        }, CancellationToken.None);
        server.Admin = server.Client(server.Host.NewAdminToken ?? File.ReadAllText(server.Host.AdminTokenPath).Trim());
        server.Alice = server.Client(await server.TokenForAsync("alice", "p1"));
        server.Bob = server.Client(await server.TokenForAsync("bob", "p2"));
        foreach (var agent in new[] { "ocm-1", "ocm-2", "nuvla-1" })
        {
            server.Secrets[agent] = await server.TokenForAsync(agent, "p1");
        }

        return server;
    }

    /// <summary>An agent logged in as ICOS agents do: a client-credentials form POST, then the access token as bearer.</summary>
    public async Task<HttpClient> AgentAsync(string name)
    {
        using var anonymous = new HttpClient { BaseAddress = Host.BaseAddress };
        using var response = await anonymous.PostAsync("realms/icos/protocol/openid-connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = name,
            ["client_secret"] = Secrets[name],
            ["grant_type"] = "client_credentials",
        }));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.True(response.IsSuccessStatusCode, body.ToJsonString());
        Assert.Equal("Bearer", (string?)body["token_type"]);
        return Client((string)body["access_token"]!);
    }

    /// <summary>Sends a request; the status and the parsed body (null when empty).</summary>
    public static async Task<(int Status, JsonNode? Body)> SendAsync(HttpClient client, HttpMethod method, string route, object? body = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, route);
        if (body is string text)
        {
            request.Content = new StringContent(text, Encoding.UTF8, contentType);
        }
        else if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: new JsonSerializerOptions());
        }

        using var response = await client.SendAsync(request);
        var content = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, content.Length == 0 ? null : JsonNode.Parse(content));
    }

    /// <summary>Sends and asserts the status; the body.</summary>
    public static async Task<JsonNode?> ExpectAsync(int status, HttpClient client, HttpMethod method, string route, object? body = null, string contentType = "application/json")
    {
        var (got, answer) = await SendAsync(client, method, route, body, contentType);
        Assert.True(got == status, $"{method} {route}: expected {status}, got {got}: {answer?.ToJsonString()}");
        return answer;
    }

    /// <summary>The job as the native API shows it.</summary>
    public async Task<Job> RetrieveAsync(string id)
    {
        var response = await Alice.GetAsync($"api/jobs/retrieve?id={id}");
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

    private HttpClient Client(string token)
    {
        var client = new HttpClient { BaseAddress = Host.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
