using System.Text.Json;
using Wharf.Client;
using Wharf.Domain.Jobs;
using Wharf.Domain.Serialization;

namespace Wharf.Cli.Tests;

public sealed class CliExecutionCommandsTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task RunWait_OfAScriptThatExitsZero_ExitsZero_AndLogsShowWhatItWrote()
    {
        await using var server = await TestServer.StartAsync(ExecutionCatalog.Files);
        await using var agent = await TestAgent.StartAsync(server);
        var cli = AdminCli(server);

        var run = await cli.RunAsync("run", "shell", "--product", "p", "--param", "script=echo hi; echo warned >&2; exit 0", "--wait");
        var id = run.OutLines.FirstOrDefault() ?? "";
        var logs = await cli.RunAsync("logs", id);
        var stdoutOnly = await cli.RunAsync("logs", id, "--stream", "stdout");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Single(run.OutLines);
        Assert.Contains("SUCCESS (exit 0)", run.Error, StringComparison.Ordinal);
        Assert.True(logs.ExitCode == 0, logs.ToString());
        Assert.Equal(["hi"], logs.OutLines);
        Assert.Contains("warned", logs.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("warned", stdoutOnly.Error, StringComparison.Ordinal);
        using var admin = server.Admin();
        var job = await admin.RetrieveJobAsync(id, None);
        Assert.Equal((JobState.Success, "default"), (job.Status.State, job.Owner.Project));
    }

    [Fact]
    public async Task RunWait_OfAScriptThatExitsThree_ExitsOne_NamingTheExitCode()
    {
        await using var server = await TestServer.StartAsync(ExecutionCatalog.Files);
        await using var agent = await TestAgent.StartAsync(server);

        var run = await AdminCli(server).RunAsync("run", "shell", "--product", "x/c/p", "--param", "script=exit 3", "--wait");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("FAILURE (exit 3)", run.Error, StringComparison.Ordinal);
        using var admin = server.Admin();
        var job = await admin.RetrieveJobAsync(run.OutLines[0], None);
        Assert.Equal((JobState.Failure, 3), (job.Status.State, job.Status.ExitCode));
    }

    [Fact]
    public async Task RunWaitJson_PrintsTheEndedJob()
    {
        await using var server = await TestServer.StartAsync(ExecutionCatalog.Files);
        await using var agent = await TestAgent.StartAsync(server);

        var run = await AdminCli(server).RunAsync("run", "shell@1.0.0", "--product", "p", "--param", "script=true", "--name", "quick", "--wait", "-o", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var job = JsonSerializer.Deserialize<Job>(run.Out, WharfJson.Options)!;
        Assert.Equal(("quick", JobState.Success), (job.Specification.Name, job.Status.State));
    }

    [Fact]
    public async Task Logs_OfSeveralRanks_PrefixEachLineWithItsRank_UnlessOneRankIsAsked()
    {
        await using var server = await TestServer.StartAsync(ExecutionCatalog.Files);
        await using var agent = await TestAgent.StartAsync(server, cpu: 2);
        var cli = AdminCli(server);
        var run = await cli.RunAsync("run", "shell", "--product", "p", "--replicas", "2", "--param", "script=echo rank-$WHARF_RANK", "--wait");
        var id = run.OutLines.FirstOrDefault() ?? "-";

        var all = await cli.RunAsync("logs", id);
        var one = await cli.RunAsync("logs", id, "--rank", "1");
        var followed = await cli.RunAsync("logs", id, "-f");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(["[0] rank-0", "[1] rank-1"], all.OutLines.Order(StringComparer.Ordinal));
        Assert.Equal(["rank-1"], one.OutLines);
        Assert.Equal(["[0] rank-0", "[1] rank-1"], followed.OutLines.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task LogsFollow_ShowsEveryLineFromTheFirst_AndEndsWithTheJob()
    {
        await using var server = await TestServer.StartAsync(ExecutionCatalog.Files);
        await using var agent = await TestAgent.StartAsync(server);
        var cli = AdminCli(server);
        var run = await cli.RunAsync("run", "shell", "--product", "p", "--param", "script=echo first; sleep 1; echo second");
        var id = Assert.Single(run.OutLines);

        var follow = await cli.RunAsync("logs", id, "-f");

        Assert.True(follow.ExitCode == 0, follow.ToString());
        Assert.Equal(["first", "second"], follow.OutLines);
    }

    [Fact]
    public async Task Explain_OfAJobBiggerThanEveryNode_CountsTheNodesFailingEachConstraint()
    {
        await using var server = await TestServer.StartAsync(ExecutionCatalog.Files);
        await using var agent = await TestAgent.StartAsync(server, cpu: 2);
        var cli = AdminCli(server);
        var id = (await cli.RunAsync("run", "shell", "--product", "big", "--param", "script=true")).OutLines.Single();
        using var admin = server.Admin();
        var explained = await Eventually(() => admin.ExplainJobAsync(id, None), e => e.Failures is { Count: > 0 });

        var table = await cli.RunAsync("explain", id);
        var json = await cli.RunAsync("explain", id, "-o", "json");

        Assert.Equal(1, explained.NodesConsidered);
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.StartsWith($"Job {id}: IN_QUEUE in queue default, next in line", table.Out, StringComparison.Ordinal);
        Assert.Contains("Nodes considered: 1", table.Out, StringComparison.Ordinal);
        Assert.Contains(table.OutLines, l => l.StartsWith("insufficient cpu", StringComparison.Ordinal) && l.EndsWith(" 1", StringComparison.Ordinal));
        var parsed = JsonSerializer.Deserialize<JobExplanation>(json.Out, WharfJson.Options)!;
        Assert.Equal(1, parsed.Failures!["insufficient cpu"]);
    }

    [Fact]
    public async Task QueueMove_ReordersTheWaitingJobs_AsQueueListsThem()
    {
        // No agent: every job waits.
        await using var server = await TestServer.StartAsync(ExecutionCatalog.Files);
        using var admin = server.Admin();
        var ids = await admin.CreateJobsAsync([TestServer.Demo("a"), TestServer.Demo("b"), TestServer.Demo("c")], null, "p1", None);
        var cli = AdminCli(server);

        var toFront = await cli.RunAsync("queue", "move", ids[2], "--front");
        var afterFront = await QueueOrderAsync(cli);
        var after = await cli.RunAsync("queue", "move", ids[0], "--after", ids[1]);
        var afterAfter = await QueueOrderAsync(cli);
        var summary = await cli.RunAsync("queue", "-o", "json");
        var table = await cli.RunAsync("queue", "ls", "--queue", "default");

        Assert.True(toFront.ExitCode == 0, toFront.ToString());
        Assert.StartsWith($"{ids[2]}: moved to the front of queue default", toFront.Out, StringComparison.Ordinal);
        Assert.Equal([ids[2], ids[0], ids[1]], afterFront);
        Assert.True(after.ExitCode == 0, after.ToString());
        Assert.Equal([ids[2], ids[1], ids[0]], afterAfter);
        var queues = JsonSerializer.Deserialize<List<QueueSummary>>(summary.Out, WharfJson.Options)!;
        Assert.Equal(3, Assert.Single(queues, q => q.Name == "default").Waiting);
        Assert.Equal(["POS", "ID", "NAME", "APP", "PROJECT", "REASON"], table.OutLines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"1    {ids[2]}", table.OutLines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueueMove_OfAJobThatDoesNotWait_ExitsOne()
    {
        await using var server = await TestServer.StartAsync(ExecutionCatalog.Files);
        using var admin = server.Admin();
        var id = (await admin.CreateJobsAsync([TestServer.Demo()], null, "p1", None))[0];
        await admin.TerminateAsync([id], None);

        var result = await AdminCli(server).RunAsync("queue", "move", id, "--back");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("invalid_transition", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nodes_ListsTheAgentsNode_AsJsonAndAsATable()
    {
        await using var server = await TestServer.StartAsync(ExecutionCatalog.Files);
        await using var agent = await TestAgent.StartAsync(server, "node-a", cpu: 2, memoryInGigs: 4);
        var cli = AdminCli(server);

        var json = await cli.RunAsync("nodes", "-o", "json");
        var table = await cli.RunAsync("nodes");

        Assert.True(json.ExitCode == 0, json.ToString());
        var node = Assert.Single(JsonSerializer.Deserialize<List<NodeSummary>>(json.Out, WharfJson.Options)!);
        Assert.Equal(("node-a", "ready", 2.0, 4.0, agent.Host.AgentId), (node.Name, node.State, node.Capacity.Cpu, node.Capacity.MemoryInGigs, node.AgentId));
        Assert.Contains(table.OutLines, l => l.Contains("node-a", StringComparison.Ordinal) && l.Contains("0/2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Nodes_ByAUser_IsForbidden()
    {
        await using var server = await TestServer.StartAsync();
        var token = await server.UserTokenAsync("alice", "p1");

        var result = await new Cli(server.Root.Path).RunAsync("nodes", "--server", server.Url, "--token", token);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("forbidden", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NodesDeclare_AddsAdmissionOnlyCapacity()
    {
        await using var server = await TestServer.StartAsync();
        var cli = AdminCli(server);

        var declared = await cli.RunAsync("nodes", "declare", "--name", "vm-pool", "--cpu", "16", "--memory", "64", "--label", "pool=vm");
        var nodes = JsonSerializer.Deserialize<List<NodeSummary>>((await cli.RunAsync("nodes", "-o", "json")).Out, WharfJson.Options)!;

        Assert.True(declared.ExitCode == 0, declared.ToString());
        var node = Assert.Single(nodes);
        Assert.Equal(("vm-pool", true, 16.0, "vm"), (node.Name, node.Declared, node.Capacity.Cpu, node.Labels!["pool"]));
    }

    [Fact]
    public async Task Run_AsAUser_CreatesTheJobInTheTokensProject()
    {
        await using var server = await TestServer.StartAsync();
        var token = await server.UserTokenAsync("alice", "p1");

        var run = await new Cli(server.Root.Path).RunAsync("run", "demo", "--server", server.Url, "--token", token);

        Assert.True(run.ExitCode == 0, run.ToString());
        using var admin = server.Admin();
        var job = await admin.RetrieveJobAsync(Assert.Single(run.OutLines), None);
        Assert.Equal(("alice", "p1", "x/c/p"), (job.Owner.CreatedBy, job.Owner.Project, job.Specification.Product!.ToString()));
    }

    [Fact]
    public async Task Run_WithAParameterTheApplicationDoesNotHave_IsAUsageError_NamingTheParameters()
    {
        await using var server = await TestServer.StartAsync(ExecutionCatalog.Files);

        var run = await AdminCli(server).RunAsync("run", "shell", "--product", "p", "--param", "scrpit=true");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("has no parameter 'scrpit' (it has: script (text))", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_OfAnUnknownApplication_IsAUsageError_ListingTheKnownOnes()
    {
        await using var server = await TestServer.StartAsync(ExecutionCatalog.Files);

        var run = await AdminCli(server).RunAsync("run", "shel", "--product", "p");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("no application is named 'shel' (there are: demo, shell)", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_RefusedByTheServer_ExitsOne_WithItsFieldErrors()
    {
        await using var server = await TestServer.StartAsync(ExecutionCatalog.Files);

        // The script parameter is required: only the server knows, and says which field.
        var run = await AdminCli(server).RunAsync("run", "shell", "--product", "p");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("validation_failed", run.Error, StringComparison.Ordinal);
        Assert.Contains("parameters.script", run.Error, StringComparison.Ordinal);
    }

    private static Cli AdminCli(TestServer server) =>
        new Cli(server.Root.Path).With("WHARF_SERVER", server.Url).With("WHARF_TOKEN", server.AdminToken);

    private static async Task<List<string>> QueueOrderAsync(Cli cli)
    {
        var result = await cli.RunAsync("queue", "ls", "--queue", "default", "-o", "json");
        Assert.True(result.ExitCode == 0, result.ToString());
        return [.. JsonSerializer.Deserialize<List<Job>>(result.Out, WharfJson.Options)!.Select(j => j.Id)];
    }

    private static async Task<T> Eventually<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(50);
        }
    }
}
