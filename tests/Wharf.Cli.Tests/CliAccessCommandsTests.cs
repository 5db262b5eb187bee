using System.Text.Json;
using Wharf.Client;
using Wharf.Domain.Serialization;

namespace Wharf.Cli.Tests;

public sealed class CliAccessCommandsTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task TokenCreate_PrintsOnlyTheSecret_WhichActsAsTheNamedUser()
    {
        await using var server = await TestServer.StartAsync();

        var result = await new Cli(server.Root.Path).RunAsync(
            "token", "create", "--role", "user", "--user", "alice", "--project", "p1", "--name", "ci", "--expires", "30d",
            "--server", server.Url, "--token", server.AdminToken);

        Assert.True(result.ExitCode == 0, result.ToString());
        var secret = Assert.Single(result.OutLines);
        using var alice = server.As(secret);
        Assert.Equal(new CallerIdentity("alice", "p1", "user"), await alice.WhoAmIAsync(None));
        using var admin = server.Admin();
        var listed = Assert.Single(await admin.ListTokensAsync(None), t => t.Name == "ci");
        Assert.InRange(listed.ExpiresAt!.Value - DateTimeOffset.UtcNow, TimeSpan.FromDays(29), TimeSpan.FromDays(30));
    }

    [Fact]
    public async Task TokenCreate_Json_AndTokenLsAndRevoke_WorkTogether()
    {
        await using var server = await TestServer.StartAsync();
        var cli = new Cli(server.Root.Path).With("WHARF_SERVER", server.Url).With("WHARF_TOKEN", server.AdminToken);

        var created = await cli.RunAsync("token", "create", "--role", "agent", "--user", "node-1", "-o", "json");
        var issued = JsonSerializer.Deserialize<IssuedToken>(created.Out, WharfJson.Options)!;
        var listed = await cli.RunAsync("token", "ls", "-o", "json");
        var table = await cli.RunAsync("token", "ls");
        var revoked = await cli.RunAsync("token", "revoke", issued.Id);
        var afterRevoke = await cli.RunAsync("token", "ls", "-o", "json");

        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Equal(("agent", "node-1"), (issued.Role, issued.User));
        Assert.Contains(JsonSerializer.Deserialize<List<TokenSummary>>(listed.Out, WharfJson.Options)!, t => t.Id == issued.Id);
        Assert.DoesNotContain(issued.Token, listed.Out, StringComparison.Ordinal);
        Assert.StartsWith("ID", table.OutLines[0], StringComparison.Ordinal);
        Assert.Contains(table.OutLines, l => l.StartsWith(issued.Id, StringComparison.Ordinal) && l.Contains("node-1", StringComparison.Ordinal));
        Assert.True(revoked.ExitCode == 0, revoked.ToString());
        Assert.DoesNotContain(JsonSerializer.Deserialize<List<TokenSummary>>(afterRevoke.Out, WharfJson.Options)!, t => t.Id == issued.Id);
    }

    [Fact]
    public async Task ClientCommands_WithoutAToken_UseTheAdminTokenInTheDataFolder()
    {
        await using var server = await TestServer.StartAsync();
        Assert.Equal(Path.Combine(server.DataDirectory, "admin.token"), server.Host.AdminTokenPath);

        // The working folder holds data/admin.token, as after `wharf up` in it.
        var result = await new Cli(server.Root.Path).With("WHARF_SERVER", server.Url).RunAsync("whoami", "-o", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("admin", JsonSerializer.Deserialize<CallerIdentity>(result.Out, WharfJson.Options)!.Role);
    }

    [Fact]
    public async Task TheTokenOption_WinsOverTheEnvironment_WhichWinsOverTheDataFolder()
    {
        await using var server = await TestServer.StartAsync();
        var alice = await server.UserTokenAsync("alice", "p1");
        var bob = await server.UserTokenAsync("bob", "p1");
        var cli = new Cli(server.Root.Path).With("WHARF_SERVER", server.Url).With("WHARF_TOKEN", alice);

        var fromEnvironment = await cli.RunAsync("whoami");
        var fromOption = await cli.RunAsync("whoami", "--token", bob);

        Assert.StartsWith("alice (user, project p1)", fromEnvironment.Out, StringComparison.Ordinal);
        Assert.StartsWith("bob (user, project p1)", fromOption.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWrongToken_ExitsOne_WithAnErrorLine()
    {
        await using var server = await TestServer.StartAsync();

        var result = await new Cli(server.Root.Path).RunAsync("whoami", "--server", server.Url, "--token", "wrong");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: ", result.Error, StringComparison.Ordinal);
        Assert.Contains("unauthorized", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoTokenAnywhere_ExitsOne_WithAHintWhereTokensComeFrom()
    {
        await using var server = await TestServer.StartAsync();
        using var empty = new TempFolder();

        var result = await new Cli(empty.Path).RunAsync("ls", "--server", server.Url);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("hint:", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachableServer_ExitsOne_NamingTheAddress()
    {
        using var empty = new TempFolder();

        var result = await new Cli(empty.Path).RunAsync("ls", "--server", "http://127.0.0.1:1", "--token", "t");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: cannot reach the server at http://127.0.0.1:1/", result.Error, StringComparison.Ordinal);
    }
}
