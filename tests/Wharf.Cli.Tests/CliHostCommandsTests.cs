using System.Text.RegularExpressions;
using Wharf.Client;

namespace Wharf.Cli.Tests;

public sealed partial class CliHostCommandsTests
{
    [Fact]
    public async Task Up_StartsAServerInTheDataFolder_PrintsTheAdminTokenOnce_AndStopsOnCancel()
    {
        using var folder = new TempFolder();
        var catalog = folder.CreateDirectory("catalog");
        await File.WriteAllTextAsync(Path.Combine(catalog, "demo.yaml"), TestServer.DemoApplicationYaml);
        string[] args = ["up", "--data", "state", "--listen", "127.0.0.1:0", "--catalog", "catalog"];

        var first = await RunUntilListeningAsync(new Cli(folder.Path), args, async (url, output) =>
        {
            var secret = AdminTokenLine().Match(output).Groups["token"].Value;
            Assert.NotEmpty(secret);
            Assert.Contains(Path.Combine(folder.Path, "state", "admin.token"), output, StringComparison.Ordinal);
            Assert.Equal(secret, (await File.ReadAllTextAsync(Path.Combine(folder.Path, "state", "admin.token"))).Trim());
            using var client = new WharfClient(url, secret);
            Assert.Equal("admin", (await client.WhoAmIAsync(CancellationToken.None)).Role);
            Assert.Contains(await client.ListApplicationsAsync(CancellationToken.None), a => a.Name == "demo");
        });
        var second = await RunUntilListeningAsync(new Cli(folder.Path), args, (_, output) =>
        {
            Assert.DoesNotMatch(AdminTokenLine(), output);
            Assert.Contains("admin token: in ", output, StringComparison.Ordinal);
            return Task.CompletedTask;
        });

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("Stopped.", first.Out, StringComparison.Ordinal);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.True(File.Exists(Path.Combine(folder.Path, "state", "wharf.db")));
    }

    [Fact]
    public async Task Up_OnAPortInUse_ExitsOne()
    {
        await using var server = await TestServer.StartAsync();
        using var folder = new TempFolder();

        var result = await new Cli(folder.Path).RunAsync("up", "--listen", $"127.0.0.1:{server.Host.BaseAddress.Port}", "--catalog", folder.Path);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: the server did not start", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_WithoutAConnectionString_IsAUsageError()
    {
        using var folder = new TempFolder();

        var result = await new Cli(folder.Path).RunAsync("server", "--listen", "127.0.0.1:0");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("WHARF_POSTGRES", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_TakesTheConnectionStringFromTheConfigFile()
    {
        using var folder = new TempFolder();
        // Nothing listens on port 1: the start fails on the database, which proves the config's string was used.
        folder.WriteFile("wharf.json", """
            { "postgres": "Host=127.0.0.1;Port=1;Username=u;Password=p;Database=d;Timeout=2", "listen": "127.0.0.1:0", "data": "srv" }
            """);

        var result = await new Cli(folder.Path).RunAsync("server", "--config", "wharf.json");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: the server did not start", result.Error, StringComparison.Ordinal);
    }

    private static async Task<CliResult> RunUntilListeningAsync(Cli cli, string[] args, Func<Uri, string, Task> whileRunning)
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var output = new CapturedWriter();
        var error = new CapturedWriter();
        var run = WharfCommandLine.RunAsync(args, cli.Environment(output, error), stop.Token);

        Match listening;
        while (!(listening = ListeningLine().Match(output.Text)).Success)
        {
            if (run.IsCompleted)
            {
                Assert.Fail($"wharf up ended before listening: exit {await run}\n{output.Text}\n{error.Text}");
            }

            await Task.Delay(20);
        }

        // Wait for the whole banner before reading it.
        while (!output.Text.Contains("Press Ctrl-C to stop.", StringComparison.Ordinal))
        {
            await Task.Delay(10);
        }

        try
        {
            await whileRunning(new Uri(listening.Groups["url"].Value), output.Text);
        }
        finally
        {
            await stop.CancelAsync();
        }

        var code = await run;
        return new CliResult(code, output.Text, error.Text);
    }

    [GeneratedRegex(@"listening on (?<url>http://\S+)")]
    private static partial Regex ListeningLine();

    [GeneratedRegex(@"admin token: (?<token>[^\s]+)\n")]
    private static partial Regex AdminTokenLine();
}
