using System.Text.Json;
using System.Text.RegularExpressions;
using Wharf.Client;
using Wharf.Domain.Serialization;

namespace Wharf.Cli.Tests;

public sealed partial class CliAgentCommandsTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Up_RunsJobsOnItsLocalAgent_AndStartsAgainOnTheSameDataFolder()
    {
        using var folder = new TempFolder();
        var catalog = folder.CreateDirectory("catalog");
        await File.WriteAllTextAsync(Path.Combine(catalog, "shell.yaml"), ExecutionCatalog.ShellYaml);
        await File.WriteAllTextAsync(Path.Combine(catalog, "product.yaml"), TestServer.ProductYaml);
        string[] args = ["up", "--data", "state", "--listen", "127.0.0.1:0", "--catalog", "catalog"];
        var tokenPath = Path.Combine(folder.Path, "state", "agent.token");

        string firstAgentToken;
        await using (var first = await BackgroundCli.StartAsync(new Cli(folder.Path), "Press Ctrl-C to stop.", args))
        {
            var url = Listening().Match(first.Out).Groups["url"].Value;
            Assert.Matches(@"agent:\s+\S+, process driver", first.Out);

            // The data folder is "state", not ./data, so the admin token is passed rather than found.
            var cli = new Cli(folder.Path).With("WHARF_SERVER", url).With("WHARF_TOKEN", ReadSecret(folder, "admin.token"));
            var run = await cli.RunAsync("run", "shell", "--param", "script=echo from-up", "--wait");
            var logs = await cli.RunAsync("logs", run.OutLines.FirstOrDefault() ?? "-");

            Assert.True(run.ExitCode == 0, $"{run}\n--- up's output\n{first.Out}\n{first.Error}");
            Assert.Equal(["from-up"], logs.OutLines);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokenPath));
            }
            firstAgentToken = ReadSecret(folder, "agent.token");

            var stopped = await first.StopAsync();
            Assert.True(stopped.ExitCode == 0, stopped.ToString());
            Assert.Contains("Stopped.", stopped.Out, StringComparison.Ordinal);
        }

        await using var second = await BackgroundCli.StartAsync(new Cli(folder.Path), "Press Ctrl-C to stop.", args);
        var secondUrl = Listening().Match(second.Out).Groups["url"].Value;
        var again = new Cli(folder.Path).With("WHARF_SERVER", secondUrl).With("WHARF_TOKEN", ReadSecret(folder, "admin.token"));
        var rerun = await again.RunAsync("run", "shell", "--param", "script=echo again", "--wait");
        var nodes = JsonSerializer.Deserialize<List<NodeSummary>>((await again.RunAsync("nodes", "-o", "json")).Out, WharfJson.Options)!;

        Assert.True(rerun.ExitCode == 0, $"{rerun}\n--- up's output\n{second.Out}\n{second.Error}");
        Assert.Equal(firstAgentToken, ReadSecret(folder, "agent.token"));
        // The agent kept its id across the restart: its node is the same one, ready again.
        Assert.Equal("ready", Assert.Single(nodes).State);
        var result = await second.StopAsync();
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task Up_WithAnAgentTokenTheServerDoesNotKnow_IssuesANewOne()
    {
        using var folder = new TempFolder();
        var catalog = folder.CreateDirectory("catalog");
        await File.WriteAllTextAsync(Path.Combine(catalog, "product.yaml"), TestServer.ProductYaml);
        folder.CreateDirectory("state");
        folder.WriteFile(Path.Combine("state", "agent.token"), "wharf_from_another_database\n");

        await using var up = await BackgroundCli.StartAsync(
            new Cli(folder.Path), "Press Ctrl-C to stop.", "up", "--data", "state", "--listen", "127.0.0.1:0", "--catalog", "catalog");

        Assert.Matches(@"agent:\s+\S+, process driver", up.Out);
        Assert.NotEqual("wharf_from_another_database", ReadSecret(folder, "agent.token"));
    }

    [Fact]
    public async Task UpWithoutAgent_RunsNoAgent_AndJobsWait()
    {
        using var folder = new TempFolder();
        var catalog = folder.CreateDirectory("catalog");
        await File.WriteAllTextAsync(Path.Combine(catalog, "demo.yaml"), TestServer.DemoApplicationYaml);
        await File.WriteAllTextAsync(Path.Combine(catalog, "product.yaml"), TestServer.ProductYaml);

        await using var up = await BackgroundCli.StartAsync(
            new Cli(folder.Path), "Press Ctrl-C to stop.", "up", "--data", "data", "--listen", "127.0.0.1:0", "--catalog", "catalog", "--no-agent");
        var cli = new Cli(folder.Path).With("WHARF_SERVER", Listening().Match(up.Out).Groups["url"].Value);
        var nodes = await cli.RunAsync("nodes", "-o", "json");

        Assert.Contains("agent:   none here", up.Out, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(folder.Path, "data", "agent.token")));
        Assert.Empty(JsonSerializer.Deserialize<List<NodeSummary>>(nodes.Out, WharfJson.Options)!);
    }

    [Fact]
    public async Task Agent_JoinsARunningServer_WithItsNodeDescription_AndRunsItsJobs()
    {
        await using var server = await TestServer.StartAsync(ExecutionCatalog.Files);
        using var admin = server.Admin();
        var token = await admin.CreateTokenAsync(new TokenRequest("agent", "worker-1"), None);

        await using var agent = await BackgroundCli.StartAsync(
            new Cli(server.Root.Path).With("WHARF_AGENT_TOKEN", token.Token), " joined ",
            "agent", "--server", server.Url, "--data", "worker", "--name", "cli-node", "--label", "pool=a", "--cpu", "2", "--memory", "3",
            "--stop-tasks-on-exit");
        var cli = new Cli(server.Root.Path).With("WHARF_SERVER", server.Url).With("WHARF_TOKEN", server.AdminToken);
        var nodes = JsonSerializer.Deserialize<List<NodeSummary>>((await cli.RunAsync("nodes", "-o", "json")).Out, WharfJson.Options)!;
        var run = await cli.RunAsync("run", "shell", "--product", "p", "--param", "script=echo on-worker", "--wait");
        var stopped = await agent.StopAsync();

        var node = Assert.Single(nodes);
        Assert.Equal(("cli-node", 2.0, 3.0, "a"), (node.Name, node.Capacity.Cpu, node.Capacity.MemoryInGigs, node.Labels!["pool"]));
        Assert.Equal("cli-node", node.Labels["node"]);
        Assert.True(run.ExitCode == 0, $"{run}\n--- agent\n{agent.Out}\n{agent.Error}");
        Assert.True(Directory.Exists(Path.Combine(server.Root.Path, "worker", "agent")));
        Assert.True(stopped.ExitCode == 0, stopped.ToString());
    }

    [Fact]
    public async Task TwoAgents_JoinOneServer()
    {
        await using var server = await TestServer.StartAsync(ExecutionCatalog.Files);
        await using var first = await TestAgent.StartAsync(server, "node-1");
        await using var second = await TestAgent.StartAsync(server, "node-2");

        var nodes = await AdminNodesAsync(server);

        Assert.Equal(["node-1", "node-2"], nodes.Select(n => n.Name).Order(StringComparer.Ordinal));
        Assert.NotEqual(first.Host.AgentId, second.Host.AgentId);
    }

    [Fact]
    public async Task Agent_WithAWrongToken_ExitsOne()
    {
        await using var server = await TestServer.StartAsync();

        var result = await new Cli(server.Root.Path).RunAsync("agent", "--server", server.Url, "--token", "wrong", "--data", "w");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("unauthorized", result.Error, StringComparison.Ordinal);
    }

    private static async Task<IReadOnlyList<NodeSummary>> AdminNodesAsync(TestServer server)
    {
        using var admin = server.Admin();
        return await admin.ListNodesAsync(None);
    }

    private static string ReadSecret(TempFolder folder, string name) => File.ReadAllText(Path.Combine(folder.Path, "state", name)).Trim();

    [GeneratedRegex(@"listening on (?<url>http://\S+)")]
    private static partial Regex Listening();
}
