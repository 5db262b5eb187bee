namespace Wharf.Cli.Tests;

public sealed class CliUsageTests
{
    [Theory]
    [InlineData("no-such-command")]
    [InlineData("ls", "--no-such-option")]
    [InlineData("ls", "-o", "yaml")]
    [InlineData("show")]
    [InlineData("extend", "12")]
    [InlineData("token", "create", "--role", "root", "--user", "x")]
    [InlineData("logs", "12", "--stream", "Std All")]
    [InlineData("run")]
    [InlineData("queue", "move")]
    [InlineData("nodes", "declare", "--name", "n")]
    public async Task ACommandLineThatDoesNotParse_ExitsTwo_AndSaysWhy(params string[] args)
    {
        using var folder = new TempFolder();

        var result = await new Cli(folder.Path).RunAsync(args);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: ", result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Out);
    }

    [Theory]
    [InlineData("extend", "12", "--time", "ninety")]
    [InlineData("extend", "12", "--time", "0s")]
    [InlineData("ls", "--limit", "0")]
    [InlineData("ls", "--state", "sleeping")]
    [InlineData("ls", "--server", "not a url")]
    [InlineData("token", "create", "--user", "x", "--expires", "soon")]
    [InlineData("run", "app", "--replicas", "0")]
    [InlineData("run", "app", "--time", "ninety")]
    [InlineData("run", "app@", "--product", "p")]
    [InlineData("logs", "12", "--rank", "-1")]
    [InlineData("queue", "move", "12")]
    [InlineData("queue", "move", "12", "--front", "--back")]
    [InlineData("queue", "--queue", "default", "--limit", "0")]
    [InlineData("agent")]
    [InlineData("agent", "--token", "t", "--cpu", "0")]
    [InlineData("agent", "--token", "t", "--label", "pool")]
    [InlineData("up", "--no-agent", "--keep-tasks")]
    public async Task AValueThatMakesNoSense_ExitsTwo_BeforeAnyRequest(params string[] args)
    {
        using var folder = new TempFolder();

        // Port 1 refuses connections: reaching the server would exit 1, not 2.
        var result = await new Cli(folder.Path).With("WHARF_SERVER", "http://127.0.0.1:1").With("WHARF_TOKEN", "t").RunAsync(args);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ListsTheCommands_AndExitsZero()
    {
        using var folder = new TempFolder();

        var result = await new Cli(folder.Path).RunAsync("--help");

        Assert.Equal(0, result.ExitCode);
        foreach (var command in new[]
        {
            "up", "server", "agent", "run", "ls", "show", "cancel", "extend", "suspend", "resume", "logs", "explain", "queue", "nodes",
            "apps", "products", "token", "whoami",
        })
        {
            // A command's line reads "  name <ARG>  description" or "  alias, name  description".
            Assert.Contains(result.Out.Split('\n'), line => line.StartsWith("  ", StringComparison.Ordinal)
                && line.Trim().Split("  ")[0].Split(' ').Select(n => n.TrimEnd(',')).Contains(command));
        }
    }
}
