using System.Text.Json;
using Wharf.Domain.Jobs;

namespace Wharf.Cli.Tests;

/// <summary><c>wharf show</c> for a running application with templates and a health check: ranks with their health, conditions, rendered files.</summary>
public sealed class CliShowLifecycleTests
{
    private const string WatchedYaml = """
        name: watched
        version: 1.0.0
        command: ["/bin/sh", "-c", "exec sleep 300"]
        healthCheck: {type: command, command: [bin/healthy], intervalSeconds: 0.2, timeoutSeconds: 2, failureThreshold: 2}
        templates:
          - path: config/app.conf
            content: "job {{job.id}} rank {{job.rank}}\n"
          - path: bin/healthy
            content: "#!/bin/sh\nexit 0\n"
        """;

    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Show_PrintsRankHealthAndConditions_AndWithFiles_TheRenderedFiles()
    {
        await using var server = await TestServer.StartAsync(("watched.yaml", WatchedYaml));
        await using var agent = await TestAgent.StartAsync(server);
        using var admin = server.Admin();
        var id = (await admin.CreateJobsAsync([TestServer.Demo() with { Application = new NameAndVersion("watched", "1.0.0") }], null, "p1", None))[0];
        await WaitForAsync(admin, id, j => j.Status.Conditions?.Any(c => c.Type == "Healthy" && c.Status == "True") == true);
        var cli = new Cli(server.Root.Path).With("WHARF_SERVER", server.Url).With("WHARF_TOKEN", server.AdminToken);

        var shown = await cli.RunAsync("show", id);
        var files = await cli.RunAsync("show", id, "--files");
        var filesJson = await cli.RunAsync("show", id, "--files", "--rank", "0", "-o", "json");
        var misuse = await cli.RunAsync("show", id, "--rank", "0");

        Assert.True(shown.ExitCode == 0, shown.ToString());
        Assert.Contains("\nRanks:\n  0: ", shown.Out, StringComparison.Ordinal);
        Assert.True(shown.OutLines.Any(l => l.StartsWith("0: running on node-", StringComparison.Ordinal) && l.EndsWith(", healthy", StringComparison.Ordinal)), shown.Out);
        Assert.True(shown.OutLines.Any(l => l.StartsWith("Healthy=True (ProbesPassed) since ", StringComparison.Ordinal)), shown.Out);
        Assert.True(files.ExitCode == 0, files.ToString());
        var text = files.OutLines.ToList();
        var conf = text.IndexOf("== rank 0: config/app.conf");
        Assert.True(conf >= 0, files.ToString());
        Assert.Equal($"job {id} rank 0", text[conf + 1]);
        Assert.Contains("== rank 0: bin/healthy (executable)", text);
        var parsed = JsonDocument.Parse(filesJson.Out).RootElement;
        Assert.Equal(0, parsed[0].GetProperty("rank").GetInt32());
        Assert.Contains(parsed[0].GetProperty("files").EnumerateArray(), f => f.GetProperty("path").GetString() == "config/app.conf");
        Assert.Equal(2, misuse.ExitCode);
    }

    private static async Task WaitForAsync(Client.WharfClient client, string id, Func<Job, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition(await client.RetrieveJobAsync(id, None)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"job {id} did not get there");
            await Task.Delay(50);
        }
    }
}
