using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests;

public sealed class CatalogLoadingTests
{
    [Fact]
    public async Task Start_FailsWithFileAndLine_WhenACatalogFileIsInvalid_AndStoresNothingOfIt()
    {
        var directory = Path.Combine(Path.GetTempPath(), "wharf-server-tests", Guid.NewGuid().ToString("N"));
        var catalog = Path.Combine(directory, "bad-catalog");
        Directory.CreateDirectory(catalog);
        File.WriteAllText(Path.Combine(catalog, "good.yaml"), CatalogFixtures.AcmeWebApp);
        File.WriteAllText(Path.Combine(catalog, "broken.yaml"), "name: broken\nversion: 1.0.0\ncommand: [x]\nparameters:\n  - name: p\n    type: nope\n");
        try
        {
            var error = await Assert.ThrowsAsync<InvalidDataException>(() => WharfServerHost.StartAsync(new WharfServerOptions
            {
                DataDirectory = Path.Combine(directory, "data"),
                Urls = "http://127.0.0.1:0",
                CatalogDirectories = [catalog],
            }, CancellationToken.None));

            Assert.Contains("broken.yaml", error.Message, StringComparison.Ordinal);
            Assert.Contains("parameters[0].type", error.Message, StringComparison.Ordinal);
            Assert.Contains("line 6", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Start_FailsClearly_WhenACatalogFolderIsMissing()
    {
        var directory = Path.Combine(Path.GetTempPath(), "wharf-server-tests", Guid.NewGuid().ToString("N"));
        try
        {
            var error = await Assert.ThrowsAsync<DirectoryNotFoundException>(() => WharfServerHost.StartAsync(new WharfServerOptions
            {
                DataDirectory = Path.Combine(directory, "data"),
                Urls = "http://127.0.0.1:0",
                CatalogDirectories = [Path.Combine(directory, "nowhere")],
            }, CancellationToken.None));
            Assert.Contains("nowhere", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task ExampleCatalog_OfTheRepository_Loads()
    {
        var examples = FindExamples();
        Assert.True(examples is not null, "examples/catalog not found above the test folder");
        await using var server = await WharfTestServer.StartAsync(o => new WharfServerOptions
        {
            DataDirectory = o.DataDirectory, Urls = o.Urls, CatalogDirectories = [examples],
        });

        var applications = await server.Store.Catalog.ListApplicationsAsync(CancellationToken.None);
        Assert.Contains(applications, a => a.Name == "acme-database" && a.Version == "1.0.0" && a.FindParameter("dataStore")?.Type == "file");
        Assert.Contains(applications, a => a.Name == "acme-web-app" && a.Version == "1.0.0");
        var products = await server.Store.Catalog.ListProductsAsync(CancellationToken.None);
        Assert.Contains(products, p => p.Id == "example-compute" && p.Category == "example-compute" && p.Provider == "example");
    }

    private static string? FindExamples()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "examples", "catalog");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
