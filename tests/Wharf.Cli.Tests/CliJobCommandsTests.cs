using System.Text.Json;
using Wharf.Domain.Jobs;
using Wharf.Domain.Serialization;

namespace Wharf.Cli.Tests;

public sealed class CliJobCommandsTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Ls_Json_ListsTheCallersJobs_NewestFirst()
    {
        await using var server = await TestServer.StartAsync();
        var token = await server.UserTokenAsync("alice", "p1");
        using var alice = server.As(token);
        var ids = await alice.CreateJobsAsync([TestServer.Demo("one"), TestServer.Demo("two"), TestServer.Demo("three")], null, None);
        using var admin = server.Admin();
        await admin.CreateJobsAsync([TestServer.Demo("other project")], null, "p2", None);

        var result = await new Cli(server.Root.Path).RunAsync("ls", "-o", "json", "--server", server.Url, "--token", token);

        Assert.True(result.ExitCode == 0, result.ToString());
        var jobs = JsonSerializer.Deserialize<List<Job>>(result.Out, WharfJson.Options)!;
        Assert.Equal(ids.Reverse(), jobs.Select(j => j.Id));
        Assert.All(jobs, j => Assert.Equal("p1", j.Owner.Project));
    }

    [Fact]
    public async Task Ls_Table_ShowsOneRowPerJob_UnderTheHeader_AndFiltersByStateAndLimit()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Admin();
        var ids = await admin.CreateJobsAsync([TestServer.Demo("alpha"), TestServer.Demo("beta"), TestServer.Demo("gamma")], null, "p1", None);
        await admin.TerminateAsync([ids[0]], None);
        var cli = new Cli(server.Root.Path).With("WHARF_SERVER", server.Url).With("WHARF_TOKEN", server.AdminToken);

        var all = await cli.RunAsync("ls");
        var queued = await cli.RunAsync("ls", "--state", "in_queue");
        var limited = await cli.RunAsync("ls", "--limit", "1");

        Assert.True(all.ExitCode == 0, all.ToString());
        Assert.Equal(["ID", "NAME", "APP", "STATE", "QUEUE", "CREATED", "REASON"], all.OutLines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(4, all.OutLines.Length);
        Assert.Contains(all.OutLines, l => l.StartsWith(ids[0], StringComparison.Ordinal) && l.Contains("SUCCESS", StringComparison.Ordinal));
        Assert.Contains(all.OutLines, l => l.Contains("demo@1.0.0", StringComparison.Ordinal) && l.Contains("beta", StringComparison.Ordinal));
        Assert.Equal(3, queued.OutLines.Length);
        Assert.DoesNotContain(queued.OutLines, l => l.Contains("alpha", StringComparison.Ordinal));
        Assert.Equal(2, limited.OutLines.Length);
        Assert.StartsWith(ids[2], limited.OutLines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_PrintsTheJob_AndItsJsonEqualsTheApisAnswer()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Admin();
        var id = (await admin.CreateJobsAsync([TestServer.Demo("shown", new SimpleDuration(1, 30, 0))], null, "p1", None))[0];
        var cli = new Cli(server.Root.Path).With("WHARF_SERVER", server.Url).With("WHARF_TOKEN", server.AdminToken);

        var text = await cli.RunAsync("show", id);
        var json = await cli.RunAsync("show", id, "-o", "json");

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains(text.OutLines, l => l.StartsWith("ID:", StringComparison.Ordinal) && l.EndsWith(id, StringComparison.Ordinal));
        Assert.Contains(text.OutLines, l => l.StartsWith("State:", StringComparison.Ordinal) && l.EndsWith("IN_QUEUE", StringComparison.Ordinal));
        Assert.Contains(text.OutLines, l => l.StartsWith("Time allocation:", StringComparison.Ordinal) && l.EndsWith("1h30m", StringComparison.Ordinal));
        var parsed = JsonSerializer.Deserialize<Job>(json.Out, WharfJson.Options)!;
        var retrieved = await admin.RetrieveJobAsync(id, None);
        Assert.Equal(JsonSerializer.Serialize(retrieved, WharfJson.Options), JsonSerializer.Serialize(parsed, WharfJson.Options));
    }

    [Fact]
    public async Task Cancel_TerminatesEveryJobNamed()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Admin();
        var ids = await admin.CreateJobsAsync([TestServer.Demo("a"), TestServer.Demo("b")], null, "p1", None);
        await server.StartJobAsync(ids[1]);

        var result = await new Cli(server.Root.Path).RunAsync("cancel", ids[0], ids[1], "--server", server.Url, "--token", server.AdminToken);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(JobState.Success, (await admin.RetrieveJobAsync(ids[0], None)).Status.State);
        Assert.Equal(JobState.Canceling, (await admin.RetrieveJobAsync(ids[1], None)).Status.State);
    }

    [Fact]
    public async Task Cancel_OfAnotherProjectsJob_ExitsOne_WithTheProblemsDetail_AndChangesNothing()
    {
        await using var server = await TestServer.StartAsync();
        using var alice = await server.UserAsync("alice", "p1");
        var id = (await alice.CreateJobsAsync([TestServer.Demo()], null, None))[0];
        var bob = await server.UserTokenAsync("bob", "p2");

        var result = await new Cli(server.Root.Path).RunAsync("cancel", id, "--server", server.Url, "--token", bob);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: ", result.Error, StringComparison.Ordinal);
        Assert.Contains("not_found", result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Out);
        Assert.Equal(JobState.InQueue, (await alice.RetrieveJobAsync(id, None)).Status.State);
    }

    [Fact]
    public async Task ExtendSuspendResume_ChangeTheJobThroughTheApi()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Admin();
        var id = (await admin.CreateJobsAsync([TestServer.Demo(time: new SimpleDuration(1, 0, 0))], null, "p1", None))[0];
        await server.StartJobAsync(id);
        var cli = new Cli(server.Root.Path).With("WHARF_SERVER", server.Url).With("WHARF_TOKEN", server.AdminToken);

        var extend = await cli.RunAsync("extend", id, "--time", "1h30m");
        var afterExtend = await admin.RetrieveJobAsync(id, None);
        var suspend = await cli.RunAsync("suspend", id);
        var afterSuspend = await admin.RetrieveJobAsync(id, None);
        var resume = await cli.RunAsync("resume", id);
        var afterResume = await admin.RetrieveJobAsync(id, None);

        Assert.True(extend.ExitCode == 0, extend.ToString());
        Assert.Equal(TimeSpan.FromMinutes(150), afterExtend.Status.TimeAllocation!.ToTimeSpan());
        Assert.True(suspend.ExitCode == 0, suspend.ToString());
        Assert.Equal(JobState.Suspended, afterSuspend.Status.State);
        Assert.True(resume.ExitCode == 0, resume.ToString());
        Assert.Equal(JobState.InQueue, afterResume.Status.State);
    }

    [Fact]
    public async Task Resume_OfAWaitingJob_ExitsOne_WithInvalidTransition()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Admin();
        var id = (await admin.CreateJobsAsync([TestServer.Demo()], null, "p1", None))[0];

        var result = await new Cli(server.Root.Path).RunAsync("resume", id, "--server", server.Url, "--token", server.AdminToken);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("invalid_transition", result.Error, StringComparison.Ordinal);
    }
}
