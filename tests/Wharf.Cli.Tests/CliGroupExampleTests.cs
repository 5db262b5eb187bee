using System.Net;
using System.Text.Json;
using Wharf.Client;
using Wharf.Domain.Serialization;

namespace Wharf.Cli.Tests;

/// <summary>examples/compose/compose.yaml as <c>wharf group up</c> sends it, and as a client that knows nothing of its folder does.</summary>
public sealed class CliGroupExampleTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Up_OfTheExample_NamesTheBuiltPrograms_ByAbsolutePath()
    {
        await using var server = await TestServer.StartAsync();
        var examples = Path.Combine(RepositoryRoot(), "examples");
        var cli = new Cli(examples).With("WHARF_SERVER", server.Url).With("WHARF_TOKEN", server.AdminToken);

        var up = await cli.RunAsync("group", "up", "-f", "compose/compose.yaml", "-o", "json");

        Assert.True(up.ExitCode == 0, up.ToString());
        var group = JsonSerializer.Deserialize<GroupSummary>(up.Out, WharfJson.Options)!;
        Assert.Equal("acme", group.Name);
        Assert.Equal(["database", "web", "smoke"], group.Components.Select(c => c.Name));
        using var admin = server.Admin();
        foreach (var (component, program) in new[] { ("database", "AcmeDatabase.dll"), ("web", "AcmeWebApp.dll") })
        {
            var job = await admin.RetrieveJobAsync(group.Components.Single(c => c.Name == component).JobId, None);
            var path = job.Specification.Definition!.Command[1];
            Assert.True(Path.IsPathRooted(path), path);
            Assert.EndsWith(program, path, StringComparison.Ordinal);
            Assert.True(File.Exists(path), $"{component} names {path}, which does not exist");
        }

        await admin.DeleteGroupAsync(group.Id, None);
    }

    [Fact]
    public async Task TheExample_SentWithoutItsFolder_IsRefused_NamingTheCommand()
    {
        await using var server = await TestServer.StartAsync();
        var text = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "examples", "compose", "compose.yaml"));
        using var admin = server.Admin();

        var refused = await Assert.ThrowsAsync<WharfApiException>(
            () => admin.CreateGroupAsync(new GroupManifestRequest("compose", text), "p1", null, None));

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains(refused.Errors, e => e.Field.StartsWith("manifest.services.database.x-wharf.command", StringComparison.Ordinal)
            && e.Message.Contains("ACME_EXAMPLES", StringComparison.Ordinal));
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Wharf.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("cannot find the repository root (Wharf.slnx) above " + AppContext.BaseDirectory);
    }
}
