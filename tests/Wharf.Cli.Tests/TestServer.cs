using Wharf.Client;
using Wharf.Domain.Jobs;
using Wharf.Server;

namespace Wharf.Cli.Tests;

/// <summary>
/// A real Wharf server for one test: Kestrel on 127.0.0.1:0, SQLite in its own temp folder ({Root}/data), and a
/// catalog folder with application <c>demo@1.0.0</c> and product <c>x/c/p</c>.
/// </summary>
internal sealed class TestServer : IAsyncDisposable
{
    public const string DemoApplicationYaml = "name: demo\nversion: 1.0.0\ncommand: [\"/bin/true\"]\nparameters: []\n";
    public const string ProductYaml = "id: p\ncategory: c\nprovider: x\ncpu: 1\nmemoryInGigs: 1\n";

    private TestServer(TempFolder root, WharfServerHost host, string adminToken)
    {
        Root = root;
        Host = host;
        AdminToken = adminToken;
    }

    public TempFolder Root { get; }

    public WharfServerHost Host { get; }

    public string AdminToken { get; }

    public string DataDirectory => Path.Combine(Root.Path, "data");

    public string Url => Host.BaseAddress.ToString();

    /// <summary>Starts a server whose catalog holds demo, product x/c/p and each of <paramref name="catalogFiles"/> (file name → YAML).</summary>
    public static async Task<TestServer> StartAsync(params (string FileName, string Yaml)[] catalogFiles)
    {
        var root = new TempFolder();
        try
        {
            var catalog = root.CreateDirectory("catalog");
            await File.WriteAllTextAsync(Path.Combine(catalog, "demo.yaml"), DemoApplicationYaml);
            await File.WriteAllTextAsync(Path.Combine(catalog, "product.yaml"), ProductYaml);
            foreach (var (fileName, yaml) in catalogFiles)
            {
                await File.WriteAllTextAsync(Path.Combine(catalog, fileName), yaml);
            }

            var host = await WharfServerHost.StartAsync(
                new WharfServerOptions
                {
                    DataDirectory = Path.Combine(root.Path, "data"),
                    Urls = "http://127.0.0.1:0",
                    CatalogDirectories = [catalog],
                },
                CancellationToken.None);
            var token = host.NewAdminToken ?? throw new InvalidOperationException("a fresh data folder must yield a new admin token");
            return new TestServer(root, host, token);
        }
        catch
        {
            root.Dispose();
            throw;
        }
    }

    public WharfClient Admin() => new(Host.BaseAddress, AdminToken);

    public WharfClient As(string token) => new(Host.BaseAddress, token);

    /// <summary>A new user token of <paramref name="project"/>.</summary>
    public async Task<string> UserTokenAsync(string user, string project)
    {
        using var admin = Admin();
        var issued = await admin.CreateTokenAsync(new TokenRequest("user", user, project), CancellationToken.None);
        return issued.Token;
    }

    /// <summary>A client for a new user token of <paramref name="project"/>.</summary>
    public async Task<WharfClient> UserAsync(string user, string project) => As(await UserTokenAsync(user, project));

    public static JobSpecification Demo(string? name = null, SimpleDuration? time = null) => new()
    {
        Application = new NameAndVersion("demo", "1.0.0"),
        Product = new ProductReference("p", "c", "x"),
        Name = name,
        TimeAllocation = time,
        AllowDuplicateJob = true,
    };

    /// <summary>
    /// Moves a waiting job to RUNNING through the store, as an agent's start report will: the agent protocol is not
    /// part of these projects, and terminate/suspend of a running job must still be exercised through the API.
    /// </summary>
    public async Task StartJobAsync(string id)
    {
        var job = await Host.Store.Jobs.GetJobAsync(id, CancellationToken.None) ?? throw new InvalidOperationException($"no job {id}");
        var change = job.Apply(JobTransitions.Start, DateTimeOffset.UtcNow);
        Assert.True(await Host.Store.Jobs.TrySaveAsync(change, CancellationToken.None));
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        Root.Dispose();
    }
}
