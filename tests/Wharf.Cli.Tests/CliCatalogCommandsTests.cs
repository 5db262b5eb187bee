using System.Text.Json;
using Wharf.Client;
using Wharf.Domain.Catalog;
using Wharf.Domain.Serialization;

namespace Wharf.Cli.Tests;

public sealed class CliCatalogCommandsTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Apps_ListsTheCatalog_AsATableOrJson()
    {
        await using var server = await TestServer.StartAsync();
        var cli = new Cli(server.Root.Path).With("WHARF_SERVER", server.Url);

        var table = await cli.RunAsync("apps");
        var json = await cli.RunAsync("apps", "-o", "json");

        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.StartsWith("NAME", table.OutLines[0], StringComparison.Ordinal);
        Assert.Contains(table.OutLines, l => l.StartsWith("demo", StringComparison.Ordinal) && l.Contains("1.0.0", StringComparison.Ordinal));
        Assert.Contains(JsonSerializer.Deserialize<List<ApplicationDefinition>>(json.Out, WharfJson.Options)!, a => a.Name == "demo");
    }

    [Fact]
    public async Task AppsRegister_SendsTheYamlFile_AndTheApplicationIsThenListed()
    {
        await using var server = await TestServer.StartAsync();
        var file = server.Root.WriteFile("hello.yaml", "name: hello\nversion: 3.1.0\ncommand: [\"/bin/echo\", \"hi\"]\nparameters: []\n");
        var cli = new Cli(server.Root.Path).With("WHARF_SERVER", server.Url);

        var register = await cli.RunAsync("apps", "register", "hello.yaml");
        using var admin = server.Admin();

        Assert.True(register.ExitCode == 0, register.ToString());
        Assert.Equal("registered application hello@3.1.0", register.OutLines.Single());
        Assert.Equal(["/bin/echo", "hi"], (await admin.RetrieveApplicationAsync("hello", "3.1.0", None)).Command);
        Assert.True(File.Exists(file));
    }

    [Fact]
    public async Task AppsRegister_OfAnInvalidDefinition_PrintsTheDetailAndEveryFieldError()
    {
        await using var server = await TestServer.StartAsync();
        const string Invalid = "name: \"\"\nversion: \"\"\ncommand: []\nparameters:\n  - name: p\n    type: nonsense\n";
        server.Root.WriteFile("bad.yaml", Invalid);
        using var admin = server.Admin();
        var expected = await Assert.ThrowsAsync<WharfApiException>(() => admin.RegisterApplicationYamlAsync(Invalid, None));

        var result = await new Cli(server.Root.Path).With("WHARF_SERVER", server.Url).RunAsync("apps", "register", "bad.yaml");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"error: {expected.Detail ?? expected.Title}", result.Error, StringComparison.Ordinal);
        Assert.NotEmpty(expected.Errors);
        foreach (var error in expected.Errors)
        {
            Assert.Contains($"  {error.Field}: {error.Message}", result.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AppsRegister_OfAMissingFile_IsAUsageError()
    {
        await using var server = await TestServer.StartAsync();

        var result = await new Cli(server.Root.Path).With("WHARF_SERVER", server.Url).RunAsync("apps", "register", "nowhere.yaml");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: cannot read nowhere.yaml", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Products_ListAndRegister()
    {
        await using var server = await TestServer.StartAsync();
        server.Root.WriteFile("big.yaml", "id: big\ncategory: c\nprovider: x\ncpu: 16\nmemoryInGigs: 64\n");
        server.Root.WriteFile("small.json", "{\"id\":\"small\",\"category\":\"c\",\"provider\":\"x\",\"cpu\":0.5,\"memoryInGigs\":0.5}");
        var cli = new Cli(server.Root.Path).With("WHARF_SERVER", server.Url);

        var yaml = await cli.RunAsync("products", "register", "big.yaml");
        var json = await cli.RunAsync("products", "register", "small.json", "-o", "json");
        var table = await cli.RunAsync("products");

        Assert.True(yaml.ExitCode == 0, yaml.ToString());
        Assert.Equal("registered product x/c/big", yaml.OutLines.Single());
        Assert.Equal(0.5, JsonSerializer.Deserialize<Product>(json.Out, WharfJson.Options)!.Cpu);
        Assert.StartsWith("PROVIDER", table.OutLines[0], StringComparison.Ordinal);
        Assert.Contains(table.OutLines, l => l.Contains(" big ", StringComparison.Ordinal) && l.Contains("16", StringComparison.Ordinal));
        Assert.Equal(4, table.OutLines.Length);
    }
}
