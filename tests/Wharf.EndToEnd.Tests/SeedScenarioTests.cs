using System.Net;
using System.Text;
using System.Text.Json;
using Wharf.Domain.Jobs;
using Wharf.Testing;
using Xunit.Abstractions;

namespace Wharf.EndToEnd.Tests;

/// <summary>Seed 000 end to end: the database runs, the web app reaches it by the name 'database', and a job that is not its peer cannot.</summary>
public sealed class SeedScenarioTests(ITestOutputHelper output) : IAsyncLifetime
{
    private WharfCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await WharfCluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task SeedRequests_RunTheDatabaseAndTheWebAppThatReadsIt_ByTheHostnameDatabase()
    {
        var databaseId = await PostVerbatimAsync(Seed000.DatabaseBody);
        var database = await _cluster.WaitForStateAsync(databaseId, JobState.Running);
        var webAppId = await PostVerbatimAsync(Seed000.WebAppBody.Replace("\"jobId\": \"4101\"", $"\"jobId\": \"{databaseId}\"", StringComparison.Ordinal));
        var webApp = await _cluster.WaitForStateAsync(webAppId, JobState.Running);

        var port = webApp.Status.Ranks![0].HostPorts!["http"];
        var page = await GetPageAsync(port);
        output.WriteLine(page);

        Assert.Contains("Hello from acme-database", page, StringComparison.Ordinal);
        Assert.Equal(JobState.Running, (await _cluster.Admin.RetrieveJobAsync(databaseId, default)).Status.State);
        Assert.NotNull(database.Status.StartedAt);
    }

    [Fact]
    public async Task OnlyPeers_CanConnect_ToTheDatabase()
    {
        if (!WharfCluster.CanIsolate)
        {
            output.WriteLine("not run: network isolation needs Linux, root and iproute2; see docs/networking.md");
            return;
        }

        var databaseId = await PostVerbatimAsync(Seed000.DatabaseBody);
        await _cluster.WaitForStateAsync(databaseId, JobState.Running);

        // A peer resolves 'database' and connects to its port; it prints the address it used. RUNNING means the
        // database's process started, not that it listens yet: the peer tries again for up to ten seconds, as a
        // real client would.
        var peerId = await _cluster.RunScriptAsync(
            "getent hosts database | awk '{print $1}'; "
            + "for i in $(seq 100); do { exec 3<>/dev/tcp/database/$WHARF_PEER_DATABASE_PORT_DB; } 2>/dev/null && break; sleep 0.1; done; "
            + "echo PING >&3 && head -c 4 <&3",
            resources: [AppParameterValue.Peer("database", databaseId)]);
        var peer = await _cluster.WaitForFinalAsync(peerId);
        var peerLog = await ReadLogAsync(peerId);
        output.WriteLine($"peer: {peer.Status.State} {peer.Status.Reason}\n{peerLog}");
        Assert.Equal(JobState.Success, peer.Status.State);
        Assert.Contains("PONG", peerLog, StringComparison.Ordinal);

        // A job that is not a peer: the name does not resolve, and the address the peer used has no route.
        var address = peerLog.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0].Trim();
        var port = (await _cluster.Admin.RetrieveJobAsync(databaseId, default)).Status.Ranks![0].Ports!["db"];
        var strangerId = await _cluster.RunScriptAsync(
            $"if getent hosts database; then echo RESOLVED; exit 2; fi; timeout 3 bash -c 'exec 3<>/dev/tcp/{address}/{port}' && echo CONNECTED && exit 3; echo REFUSED; exit 1");
        var stranger = await _cluster.WaitForFinalAsync(strangerId);
        var strangerLog = await ReadLogAsync(strangerId);
        output.WriteLine($"stranger: {stranger.Status.State} {stranger.Status.Reason}\n{strangerLog}");
        Assert.Equal(JobState.Failure, stranger.Status.State);
        Assert.Equal(1, stranger.Status.ExitCode);
        Assert.Contains("REFUSED", strangerLog, StringComparison.Ordinal);
    }

    private async Task<string> ReadLogAsync(string id)
    {
        using var http = new HttpClient { BaseAddress = _cluster.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new("Bearer", _cluster.UserToken);
        var text = new StringBuilder();
        foreach (var stream in new[] { "stdout", "stderr" })
        {
            using var response = await http.GetAsync($"/api/jobs/logs?id={id}&rank=0&stream={stream}");
            if (!response.IsSuccessStatusCode)
            {
                continue;
            }

            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            foreach (var line in document.RootElement.GetProperty("lines").EnumerateArray())
            {
                text.Append(line.GetProperty("text").GetString()).Append('\n');
            }
        }

        return text.ToString();
    }

    private async Task<string> PostVerbatimAsync(string body)
    {
        using var http = new HttpClient { BaseAddress = _cluster.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/jobs") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {_cluster.UserToken}");
        request.Content.Headers.TryAddWithoutValidation("Content-Type", Seed000.ContentType);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        using var document = JsonDocument.Parse(text);
        return document.RootElement.GetProperty("responses")[0].GetProperty("id").GetString()!;
    }

    private static async Task<string> GetPageAsync(int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await http.GetAsync($"http://127.0.0.1:{port}/");
                last = await response.Content.ReadAsStringAsync();
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return last;
                }
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("the web app's page never answered 200: " + last);
    }
}
