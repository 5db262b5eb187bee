using System.Net;
using Wharf.Client;
using Wharf.Domain.Catalog;

namespace Wharf.Cli.Tests;

public sealed class WharfClientCatalogTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Applications_FromTheCatalogFolder_AreListedAndRetrievable()
    {
        await using var server = await TestServer.StartAsync();
        using var client = await server.UserAsync("alice", "p1");

        var all = await client.ListApplicationsAsync(None);
        var demo = await client.RetrieveApplicationAsync("demo", "1.0.0", None);
        var missing = await Assert.ThrowsAsync<WharfApiException>(() => client.RetrieveApplicationAsync("demo", "9.9.9", None));

        Assert.Contains(all, a => a.Name == "demo" && a.Version == "1.0.0");
        Assert.Equal(["/bin/true"], demo.Command);
        Assert.Equal((HttpStatusCode.NotFound, "not_found"), (missing.Status, missing.Code));
    }

    [Fact]
    public async Task RegisterApplicationYaml_StoresTheFileAsWritten()
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.Admin();

        var stored = await client.RegisterApplicationYamlAsync(
            "name: echo\nversion: 2.0.0\ncommand: [\"/bin/echo\", \"{{message}}\"]\nparameters:\n  - name: message\n    type: text\n", None);

        Assert.Equal(("echo", "2.0.0"), (stored.Name, stored.Version));
        var read = await client.RetrieveApplicationAsync("echo", "2.0.0", None);
        Assert.Equal("text", Assert.Single(read.Parameters).Type);
    }

    [Fact]
    public async Task RegisterApplication_AsJson_RoundTrips()
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.Admin();
        var definition = new ApplicationDefinition { Name = "json-app", Version = "0.1.0", Command = ["/bin/sleep", "1"], Title = "Sleeper" };

        var stored = await client.RegisterApplicationAsync(definition, None);

        Assert.Equal(("json-app", "0.1.0", "Sleeper"), (stored.Name, stored.Version, stored.Title));
        Assert.Contains(await client.ListApplicationsAsync(None), a => a.Name == "json-app");
    }

    [Fact]
    public async Task RegisterApplication_ByAUser_IsForbidden()
    {
        await using var server = await TestServer.StartAsync();
        using var client = await server.UserAsync("alice", "p1");

        var problem = await Assert.ThrowsAsync<WharfApiException>(() => client.RegisterApplicationYamlAsync(TestServer.DemoApplicationYaml, None));

        Assert.Equal((HttpStatusCode.Forbidden, "forbidden"), (problem.Status, problem.Code));
    }

    [Fact]
    public async Task Products_AreListed_AndRegisteredAsYamlOrJson()
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.Admin();

        var fromYaml = await client.RegisterProductYamlAsync("id: big\ncategory: c\nprovider: x\ncpu: 8\nmemoryInGigs: 32\n", None);
        var fromJson = await client.RegisterProductAsync(new Product { Id = "gpu", Category = "g", Provider = "x", Cpu = 4, Gpu = 1 }, None);
        var all = await client.ListProductsAsync(None);

        Assert.Equal(8, fromYaml.Cpu);
        Assert.Equal(1, fromJson.Gpu);
        Assert.Contains(all, p => p.Id == "p" && p.Category == "c" && p.Provider == "x");
        Assert.Contains(all, p => p.Id == "big" && p.MemoryInGigs == 32);
        Assert.Contains(all, p => p.Id == "gpu");
    }
}
