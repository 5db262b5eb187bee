using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Wharf.Agent;
using Wharf.Client;
using Wharf.Drivers.Process;
using Wharf.Server;

namespace Wharf.Tycho.Tests;

/// <summary>
/// A whole Wharf on loopback for the Tycho door: a server with SQLite in its own temp folder, the example catalog
/// (for its product) and one agent with the real process driver. Shared by the tests of one class.
/// </summary>
public sealed class TychoCluster : IAsyncLifetime
{
    private AgentHost? _agent;

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "wharf-tycho-" + Guid.NewGuid().ToString("N")[..10]);

    public WharfServerHost Server { get; private set; } = null!;

    public WharfClient Admin { get; private set; } = null!;

    public string AdminToken { get; private set; } = "";

    public Uri BaseAddress => Server.BaseAddress;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        var data = Path.Combine(Root, "data");
        Server = await WharfServerHost.StartAsync(
            new WharfServerOptions
            {
                DataDirectory = data,
                Urls = "http://127.0.0.1:0",
                CatalogDirectories = [Path.Combine(RepositoryRoot(), "examples", "catalog")],
                Execution = new ExecutionOptions { LeaseTimeout = TimeSpan.FromSeconds(3) },
            },
            CancellationToken.None);
        AdminToken = (await File.ReadAllTextAsync(Server.AdminTokenPath)).Trim();
        Admin = new WharfClient(BaseAddress, AdminToken);
        var agentToken = (await Admin.CreateTokenAsync(new TokenRequest("agent", "agent-1", null, "tycho", null), default)).Token;
        _agent = await AgentHost.StartAsync(
            new AgentOptions
            {
                ServerUrl = BaseAddress,
                AgentToken = agentToken,
                StateDirectory = Path.Combine(data, "agent"),
                DataDirectory = data,
                Drivers = [new ProcessDriver(new ProcessDriverOptions { Scope = ProcessDriverOptions.ScopeFor(Path.Combine(data, "agent")) })],
                StopGrace = TimeSpan.FromSeconds(2),
                StopTasksOnExit = true,
            },
            CancellationToken.None);
    }

    /// <summary>A user token of <paramref name="project"/>.</summary>
    public async Task<string> UserTokenAsync(string user, string project) =>
        (await Admin.CreateTokenAsync(new TokenRequest("user", user, project, "tycho", null), default)).Token;

    /// <summary>An HTTP client that authenticates as the Tycho client can: HTTP Basic with the token as the password.</summary>
    public HttpClient BasicClient(string token, string user = "renci")
    {
        var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{token}")));
        return http;
    }

    /// <summary>A GET of the native API with a bearer token; the JSON body.</summary>
    public async Task<JsonNode> GetNativeAsync(string path, string token)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.GetAsync(path);
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    public async Task DisposeAsync()
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
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string RepositoryRoot()
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
}
