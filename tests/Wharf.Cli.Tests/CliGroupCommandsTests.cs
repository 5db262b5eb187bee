using System.Text.Json;
using Wharf.Client;
using Wharf.Domain.Jobs;
using Wharf.Domain.Serialization;

namespace Wharf.Cli.Tests;

public sealed class CliGroupCommandsTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private const string TwoServices = """
        name: pair
        services:
          db:
            x-wharf:
              command: ["sleep", "60"]
            ports: ["5432"]
          app:
            x-wharf:
              command: ["sleep", "${APP_SECONDS:-60}"]
            depends_on: [db]
        """;

    [Fact]
    public async Task Up_CreatesTheGroup_PrintsItsIdThenItsComponents_AndLsAndShowFindIt()
    {
        await using var server = await TestServer.StartAsync();
        var cli = AdminCli(server);
        server.Root.WriteFile("compose.yaml", TwoServices);

        var up = await cli.RunAsync("group", "up", "-f", "compose.yaml");
        var ls = await cli.RunAsync("group", "ls");
        var show = await cli.RunAsync("group", "show", "pair");
        var showJson = await cli.RunAsync("group", "show", up.OutLines[0], "-o", "json");

        Assert.True(up.ExitCode == 0, up.ToString());
        var id = up.OutLines[0];
        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.Equal(["COMPONENT", "JOB", "STATE", "HEALTH", "REPLICAS", "PORTS", "REASON"], up.OutLines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("db ", up.OutLines[2], StringComparison.Ordinal);
        Assert.StartsWith("app ", up.OutLines[3], StringComparison.Ordinal);
        Assert.Contains("created group pair", up.Error, StringComparison.Ordinal);
        Assert.True(ls.ExitCode == 0, ls.ToString());
        Assert.Contains(ls.OutLines, l => l.StartsWith(id, StringComparison.Ordinal) && l.Contains(" pair ", StringComparison.Ordinal)
            && l.Contains(" default ", StringComparison.Ordinal) && l.Contains("0/2", StringComparison.Ordinal));
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains(show.OutLines, l => l.StartsWith("ID:", StringComparison.Ordinal) && l.EndsWith(id, StringComparison.Ordinal));
        Assert.Contains(show.OutLines, l => l.StartsWith("State:", StringComparison.Ordinal) && l.EndsWith("STARTING", StringComparison.Ordinal));
        var group = JsonSerializer.Deserialize<GroupSummary>(showJson.Out, WharfJson.Options)!;
        Assert.Equal(["db", "app"], group.Components.Select(c => c.Name));
        using var admin = server.Admin();
        var app = await admin.RetrieveJobAsync(group.Components[1].JobId, None);
        Assert.Equal(new GroupMembership(id, "app"), app.Specification.Group);
        Assert.Equal(JobState.InQueue, app.Status.State);
    }

    [Fact]
    public async Task Up_Again_UpdatesTheGroupOfThatName_InsteadOfMakingASecond()
    {
        await using var server = await TestServer.StartAsync();
        var cli = AdminCli(server);
        server.Root.WriteFile("compose.yaml", TwoServices);
        var first = await cli.RunAsync("group", "up", "-f", "compose.yaml", "-o", "json");

        server.Root.WriteFile("compose.yaml", TwoServices.Replace("60\"]\n    ports", "61\"]\n    ports", StringComparison.Ordinal));
        var second = await cli.RunAsync("group", "up", "-f", "compose.yaml", "-o", "json");

        Assert.True(second.ExitCode == 0, second.ToString());
        var before = JsonSerializer.Deserialize<GroupSummary>(first.Out, WharfJson.Options)!;
        var after = JsonSerializer.Deserialize<GroupSummary>(second.Out, WharfJson.Options)!;
        Assert.Equal(before.Id, after.Id);
        Assert.Equal((1L, 2L), (before.Generation, after.Generation));
        Assert.NotEqual(before.Components[0].JobId, after.Components[0].JobId);
        using var admin = server.Admin();
        Assert.Single(await admin.ListGroupsAsync(null, None));
    }

    [Fact]
    public async Task Up_SendsTheEnvFile_TheShellsValues_AndTheComposeFolder()
    {
        await using var server = await TestServer.StartAsync();
        var folder = server.Root.CreateDirectory("app");
        await File.WriteAllTextAsync(Path.Combine(folder, "compose.yaml"), """
            services:
              one:
                x-wharf:
                  command: ["${WHARF_COMPOSE_DIR}/run", "${FROM_ENV}", "${FROM_SHELL}", "$${NOT_SENT}"]
            """);
        await File.WriteAllTextAsync(Path.Combine(folder, ".env"), "FROM_ENV=env-file\nFROM_SHELL=loses\n");
        var cli = AdminCli(server).With("FROM_SHELL", "shell").With("NOT_SENT", "secret");

        var up = await cli.RunAsync("group", "up", "-f", "app/compose.yaml", "-o", "json");

        Assert.True(up.ExitCode == 0, up.ToString());
        var group = JsonSerializer.Deserialize<GroupSummary>(up.Out, WharfJson.Options)!;
        Assert.Equal("app", group.Name);
        using var admin = server.Admin();
        var job = await admin.RetrieveJobAsync(group.Components.Single().JobId, None);
        Assert.Equal([$"{folder}/run", "env-file", "shell", "${NOT_SENT}"], job.Specification.Definition!.Command);
    }

    [Fact]
    public async Task Up_OfABadManifest_NamesTheFault_AndExitsOne_CreatingNothing()
    {
        await using var server = await TestServer.StartAsync();
        var cli = AdminCli(server);
        server.Root.WriteFile("compose.yaml", """
            name: broken
            services:
              web:
                x-wharf:
                  command: ["sleep", "60"]
                depends_on:
                  db:
                    condition: service_healthy
              db:
                x-wharf:
                  command: ["sleep", "60"]
              worker:
                image: nginx
            """);

        var up = await cli.RunAsync("group", "up", "-f", "compose.yaml");

        Assert.True(up.ExitCode == 1, up.ToString());
        Assert.Empty(up.Out);
        Assert.Contains("validation_failed", up.Error, StringComparison.Ordinal);
        Assert.Contains("manifest.services.worker", up.Error, StringComparison.Ordinal);
        Assert.Contains("x-wharf.command", up.Error, StringComparison.Ordinal);
        Assert.Contains("services.web.depends_on.db.condition", up.Error, StringComparison.Ordinal);
        using var admin = server.Admin();
        Assert.Empty(await admin.ListGroupsAsync(null, None));
    }

    [Fact]
    public async Task Up_WithoutAFile_IsAUsageError()
    {
        await using var server = await TestServer.StartAsync();

        var up = await AdminCli(server).RunAsync("group", "up", "-f", "missing.yaml");
        var none = await AdminCli(server).RunAsync("group", "up");

        Assert.True(up.ExitCode == 2, up.ToString());
        Assert.Contains("missing.yaml", up.Error, StringComparison.Ordinal);
        Assert.True(none.ExitCode == 2, none.ToString());
        Assert.Contains("compose.yaml", none.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Down_DeletesTheGroupByName_AndTerminatesItsJobs_ThenShowAnswersNotFound()
    {
        await using var server = await TestServer.StartAsync();
        var cli = AdminCli(server);
        server.Root.WriteFile("compose.yaml", TwoServices);
        var id = (await cli.RunAsync("group", "up", "-f", "compose.yaml")).OutLines[0];
        using var admin = server.Admin();
        var jobs = (await admin.GetGroupAsync(id, None)).Components.Select(c => c.JobId).ToList();

        var down = await cli.RunAsync("group", "down", "pair");
        var show = await cli.RunAsync("group", "show", id);
        var again = await cli.RunAsync("group", "down", "pair");

        Assert.True(down.ExitCode == 0, down.ToString());
        Assert.Contains($"deleted group pair ({id})", down.Out, StringComparison.Ordinal);
        foreach (var job in jobs)
        {
            Assert.True((await admin.RetrieveJobAsync(job, None)).Status.State.IsFinal());
        }

        Assert.True(show.ExitCode == 1, show.ToString());
        Assert.Contains("not_found", show.Error, StringComparison.Ordinal);
        Assert.True(again.ExitCode == 1, again.ToString());
        Assert.Contains("there is no group named 'pair'", again.Error, StringComparison.Ordinal);
        Assert.Empty(await admin.ListGroupsAsync(null, None));
    }

    [Fact]
    public async Task DownStop_KeepsTheGroup_Stopped_AndUpStartsItAgain()
    {
        await using var server = await TestServer.StartAsync();
        var cli = AdminCli(server);
        server.Root.WriteFile("compose.yaml", TwoServices);
        var id = (await cli.RunAsync("group", "up", "-f", "compose.yaml")).OutLines[0];

        var stop = await cli.RunAsync("group", "down", id, "--stop");
        using var admin = server.Admin();
        var stopped = await admin.GetGroupAsync(id, None);
        var up = await cli.RunAsync("group", "up", "-f", "compose.yaml");

        Assert.True(stop.ExitCode == 0, stop.ToString());
        Assert.Contains($"stopped group pair ({id})", stop.Out, StringComparison.Ordinal);
        Assert.Equal(("stopped", GroupSummary.Stopped), (stopped.Wanted, stopped.State));
        Assert.True(up.ExitCode == 0, up.ToString());
        Assert.Equal(id, up.OutLines[0]);
        var started = await admin.GetGroupAsync(id, None);
        Assert.Equal(("active", GroupSummary.Starting), (started.Wanted, started.State));
    }

    [Fact]
    public async Task AUsersGroups_AreTheirProjects_AndAnotherProjectsGroupIsNotFound()
    {
        await using var server = await TestServer.StartAsync();
        server.Root.WriteFile("compose.yaml", TwoServices);
        var alice = new Cli(server.Root.Path).With("WHARF_SERVER", server.Url).With("WHARF_TOKEN", await server.UserTokenAsync("alice", "p1"));
        var bob = new Cli(server.Root.Path).With("WHARF_SERVER", server.Url).With("WHARF_TOKEN", await server.UserTokenAsync("bob", "p2"));

        var up = await alice.RunAsync("group", "up", "-f", "compose.yaml", "-o", "json");
        var bobsUp = await bob.RunAsync("group", "up", "-f", "compose.yaml", "-o", "json");
        var bobShows = await bob.RunAsync("group", "show", JsonSerializer.Deserialize<GroupSummary>(up.Out, WharfJson.Options)!.Id);

        Assert.True(up.ExitCode == 0, up.ToString());
        Assert.True(bobsUp.ExitCode == 0, bobsUp.ToString());
        var alices = JsonSerializer.Deserialize<GroupSummary>(up.Out, WharfJson.Options)!;
        var bobs = JsonSerializer.Deserialize<GroupSummary>(bobsUp.Out, WharfJson.Options)!;
        Assert.Equal(("p1", "p2"), (alices.Project, bobs.Project));
        Assert.NotEqual(alices.Id, bobs.Id);
        Assert.True(bobShows.ExitCode == 1, bobShows.ToString());
        Assert.Contains("not_found", bobShows.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpWait_ReturnsOnceEveryComponentRuns_OrExitsOneWhenOneFails()
    {
        await using var server = await TestServer.StartAsync();
        await using var agent = await TestAgent.StartAsync(server);
        var cli = AdminCli(server);
        server.Root.WriteFile("good.yaml", """
            name: good
            services:
              server:
                x-wharf:
                  command: ["sleep", "30"]
              once:
                x-wharf:
                  command: ["true"]
                depends_on:
                  server:
                    condition: service_started
            """);
        server.Root.WriteFile("bad.yaml", """
            name: bad
            services:
              failing:
                x-wharf:
                  command: ["sh", "-c", "exit 3"]
            """);

        var good = await cli.RunAsync("group", "up", "-f", "good.yaml", "--wait");
        var bad = await cli.RunAsync("group", "up", "-f", "bad.yaml", "--wait");
        await cli.RunAsync("group", "down", "good");

        Assert.True(good.ExitCode == 0, good.ToString());
        Assert.Contains("group good: RUNNING", good.Error, StringComparison.Ordinal);
        Assert.Contains(good.OutLines, l => l.StartsWith("server ", StringComparison.Ordinal) && l.Contains(" RUNNING ", StringComparison.Ordinal));
        Assert.Contains(good.OutLines, l => l.StartsWith("once ", StringComparison.Ordinal) && l.Contains(" SUCCESS ", StringComparison.Ordinal));
        Assert.True(bad.ExitCode == 1, bad.ToString());
        Assert.Contains("group bad: DEGRADED", bad.Error, StringComparison.Ordinal);
        Assert.Contains(bad.OutLines, l => l.StartsWith("failing ", StringComparison.Ordinal) && l.Contains(" FAILURE ", StringComparison.Ordinal));
    }

    private static Cli AdminCli(TestServer server) =>
        new Cli(server.Root.Path).With("WHARF_SERVER", server.Url).With("WHARF_TOKEN", server.AdminToken);
}
