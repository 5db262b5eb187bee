using System.Text;
using System.Text.Json;
using Wharf.Storage;

namespace Wharf.Server.Tests.Infrastructure;

/// <summary>A real server for one test: Kestrel on 127.0.0.1:0, SQLite in its own temp folder, the fixture catalog.</summary>
public sealed class WharfTestServer : IAsyncDisposable
{
    private bool _keepDirectory;

    private WharfTestServer(string directory, WharfServerHost host, WharfServerOptions options)
    {
        Directory = directory;
        Host = host;
        Options = options;
        Http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        AdminToken = host.NewAdminToken ?? File.ReadAllText(host.AdminTokenPath).Trim();
    }

    public string Directory { get; }

    public WharfServerHost Host { get; }

    public WharfServerOptions Options { get; }

    public HttpClient Http { get; }

    public string AdminToken { get; }

    public IWharfStore Store => Host.Store;

    public static async Task<WharfTestServer> StartAsync(Func<WharfServerOptions, WharfServerOptions>? configure = null, string? directory = null)
    {
        directory ??= Path.Combine(Path.GetTempPath(), "wharf-server-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var options = new WharfServerOptions
        {
            DataDirectory = Path.Combine(directory, "data"),
            Urls = "http://127.0.0.1:0",
            CatalogDirectories = [CatalogFixtures.Write(directory)],
        };
        options = configure?.Invoke(options) ?? options;
        try
        {
            var host = await WharfServerHost.StartAsync(options, CancellationToken.None);
            return new WharfTestServer(directory, host, options);
        }
        catch
        {
            System.IO.Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>Issues a token through the API, as an admin would.</summary>
    public async Task<string> CreateTokenAsync(string role, string user, string? project = null, long? expiresInSeconds = null)
    {
        var body = JsonSerializer.Serialize(new { role, user, project, expiresInSeconds });
        using var response = await SendAsync(HttpMethod.Post, "/api/tokens", AdminToken, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        using var document = JsonDocument.Parse(text);
        return document.RootElement.GetProperty("token").GetString()!;
    }

    public Task<string> UserTokenAsync(string user = "alice", string project = "project-a") => CreateTokenAsync("user", user, project);

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, string? body = null,
        string? contentType = "application/json", IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        }

        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            if (contentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }

        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await Http.SendAsync(request);
    }

    public Task<HttpResponseMessage> PostAsync(string path, string token, string body, IEnumerable<KeyValuePair<string, string>>? headers = null) =>
        SendAsync(HttpMethod.Post, path, token, body, headers: headers);

    public Task<HttpResponseMessage> GetAsync(string path, string? token) => SendAsync(HttpMethod.Get, path, token);

    /// <summary>Creates jobs and returns their ids, failing the test if the server refuses.</summary>
    public async Task<IReadOnlyList<string>> CreateJobsAsync(string token, string body, IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        using var response = await PostAsync("/api/jobs", token, body, headers);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        using var document = JsonDocument.Parse(text);
        return [.. document.RootElement.GetProperty("responses").EnumerateArray().Select(r => r.GetProperty("id").GetString()!)];
    }

    /// <summary>Every job in the store, whatever its project.</summary>
    public async Task<int> CountJobsAsync()
    {
        var page = await Store.Jobs.BrowseJobsAsync(new JobQuery { ItemsPerPage = 1000 }, CancellationToken.None);
        return page.Items.Count;
    }

    /// <summary>Stops the server but keeps its folder, for a restart on the same data.</summary>
    public async Task StopKeepingDataAsync()
    {
        _keepDirectory = true;
        await DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
        if (_keepDirectory)
        {
            return;
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by the OS is left for the temp cleaner; the test itself passed or failed already.
        }
    }
}
