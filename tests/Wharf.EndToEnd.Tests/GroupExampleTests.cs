using System.Net;
using System.Net.Sockets;
using Wharf.Client;
using Wharf.Domain.Jobs;
using Xunit.Abstractions;

namespace Wharf.EndToEnd.Tests;

/// <summary>
/// examples/compose/compose.yaml through the native group API, with real processes: the database is healthy before
/// the web app starts, the web app reaches it by its service name, the one-shot smoke job succeeds, and deleting the
/// group stops every process.
/// </summary>
public sealed class GroupExampleTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private WharfCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await WharfCluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task ComposeExample_StartsInDependencyOrder_ServesTheDatabasesGreeting_AndDeleteStopsEveryProcess()
    {
        var folder = Path.Combine(WharfCluster.RepositoryRoot(), "examples", "compose");
        var request = new GroupManifestRequest(
            "compose",
            await File.ReadAllTextAsync(Path.Combine(folder, "compose.yaml")),
            Env: await File.ReadAllTextAsync(Path.Combine(folder, ".env")),
            // What `wharf group up` sends: where the compose file lies, so the commands find the example programs.
            EnvValues: new Dictionary<string, string> { ["WHARF_COMPOSE_DIR"] = folder });

        var created = await _cluster.User.CreateGroupAsync(request, null, null, default);
        var group = await WaitForGroupAsync(created.Id, g => g.Components.Single(c => c.Name == "smoke").State?.IsFinal() == true);
        output.WriteLine(string.Join('\n', group.Components.Select(c => $"{c.Name} {c.JobId} {c.State} {c.Healthy} {c.Reason}")));

        Assert.Equal(("acme", "123"), (group.Name, group.Project));
        Assert.Equal(["database", "web", "smoke"], group.Components.Select(c => c.Name));
        var database = await JobAsync(group, "database");
        var web = await JobAsync(group, "web");
        var smoke = await JobAsync(group, "smoke");
        Assert.Equal(JobState.Success, smoke.Status.State);
        Assert.Equal(0, smoke.Status.ExitCode);
        Assert.Equal(GroupSummary.Running, group.State);

        // Each job started only once the one it depends on had passed its health check.
        Assert.True(HealthySince(database) <= web.Status.StartedAt, $"web started at {web.Status.StartedAt}, database healthy at {HealthySince(database)}");
        Assert.True(HealthySince(web) <= smoke.Status.StartedAt, $"smoke started at {smoke.Status.StartedAt}, web healthy at {HealthySince(web)}");

        // The page comes through the web app's host port, read from the database it reached under the name 'database'.
        var webPort = group.Components.Single(c => c.Name == "web").Ports!["http"];
        using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) })
        {
            var page = await http.GetStringAsync($"http://127.0.0.1:{webPort}/");
            output.WriteLine(page);
            Assert.Contains("Hello from acme-database", page, StringComparison.Ordinal);
            Assert.Contains("database:", page, StringComparison.Ordinal);
        }

        var jobIds = group.Components.Select(c => c.JobId).ToList();
        var processes = ProcessesOf(jobIds);
        output.WriteLine($"processes of the group: {string.Join(' ', processes)}");
        Assert.True(!OperatingSystem.IsLinux() || processes.Count >= 2, "the database and the web app should run as processes");

        var deleted = await _cluster.User.DeleteGroupAsync(group.Id, default);
        Assert.Equal("deleted", deleted.Wanted);
        foreach (var id in jobIds)
        {
            await _cluster.WaitForFinalAsync(id, Patience);
        }

        // A rank's exit is reported once its supervisor is gone; its children may take a moment more to die (seen under
        // a heavy load), so the last processes are given a few seconds, not forever.
        var left = ProcessesOf(jobIds);
        for (var wait = 0; wait < 100 && left.Count > 0; wait++)
        {
            await Task.Delay(100);
            left = ProcessesOf(jobIds);
        }

        Assert.Empty(left);
        Assert.False(await AcceptsAsync(webPort), $"nothing should listen on the web app's port {webPort} any more");
        var gone = await Assert.ThrowsAsync<WharfApiException>(() => _cluster.User.GetGroupAsync(group.Id, default));
        Assert.Equal(HttpStatusCode.NotFound, gone.Status);
    }

    private async Task<GroupSummary> WaitForGroupAsync(string id, Func<GroupSummary, bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        GroupSummary group;
        do
        {
            group = await _cluster.User.GetGroupAsync(id, default);
            if (condition(group))
            {
                return group;
            }

            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);

        throw new TimeoutException($"group {id} did not settle: {group.State} {string.Join(", ", group.Components.Select(c => $"{c.Name}={c.State} {c.Reason}"))}");
    }

    private Task<Job> JobAsync(GroupSummary group, string component) =>
        _cluster.User.RetrieveJobAsync(group.Components.Single(c => c.Name == component).JobId, default);

    /// <summary>When the job's Healthy condition last became True.</summary>
    private static DateTimeOffset? HealthySince(Job job) =>
        job.Status.Conditions?.SingleOrDefault(c => c.Type == "Healthy" && c.Status == "True")?.LastTransitionTime
        ?? throw new InvalidOperationException($"job {job.Id} has no Healthy=True condition");

    /// <summary>The processes whose environment names one of <paramref name="jobIds"/> as WHARF_JOB_ID (Linux; empty elsewhere).</summary>
    private static List<int> ProcessesOf(IReadOnlyList<string> jobIds)
    {
        var found = new List<int>();
        if (!OperatingSystem.IsLinux())
        {
            return found;
        }

        var wanted = jobIds.Select(id => $"WHARF_JOB_ID={id}").ToHashSet(StringComparer.Ordinal);
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var environment = File.ReadAllText(Path.Combine(dir, "environ")).Split('\0');
                if (environment.Any(wanted.Contains))
                {
                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended meanwhile, or is not ours to read.
            }
        }

        return found;
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
