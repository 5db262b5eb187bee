using Wharf.Cli.Hosting;

namespace Wharf.Cli.Tests;

public sealed class HostingTests
{
    [Theory]
    [InlineData("127.0.0.1:8080", "http://127.0.0.1:8080")]
    [InlineData("0.0.0.0:80", "http://0.0.0.0:80")]
    [InlineData("127.0.0.1:0", "http://127.0.0.1:0")]
    [InlineData("[::1]:9000", "http://[::1]:9000")]
    [InlineData("http://localhost:5000", "http://localhost:5000")]
    [InlineData("http://localhost:5000/", "http://localhost:5000")]
    public void ListenAddress_AcceptsHostPortOrUrl(string text, string url)
    {
        Assert.Equal(url, ListenAddress.ToUrl(text));
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("http://localhost")]
    [InlineData("127.0.0.1:")]
    [InlineData("ftp://host:21")]
    [InlineData("http://host:80/path")]
    public void ListenAddress_RefusesWhatKestrelCouldNotListenOn(string text)
    {
        Assert.Throws<UsageException>(() => ListenAddress.ToUrl(text));
    }

    [Fact]
    public void CatalogLocator_FindsExamplesCatalog_InAParentFolder()
    {
        using var folder = new TempFolder();
        var catalog = folder.CreateDirectory(Path.Combine("examples", "catalog"));
        var deep = folder.CreateDirectory(Path.Combine("src", "a", "b"));

        Assert.Equal(catalog, CatalogLocator.Find(deep));
        Assert.Equal(catalog, CatalogLocator.Find(Path.GetTempPath(), deep));
    }

    [Fact]
    public void ServerConfigFile_ResolvesRelativePathsAgainstItsOwnFolder()
    {
        using var folder = new TempFolder();
        var path = folder.WriteFile("wharf.json", """
            { "postgres": "Host=db", "listen": "0.0.0.0:80", "data": "state", "catalog": ["apps", "/abs"] }
            """);

        var config = ServerConfigFile.Read(path);

        Assert.Equal(("Host=db", "0.0.0.0:80"), (config.Postgres, config.Listen));
        Assert.Equal(Path.Combine(folder.Path, "state"), config.ResolveData());
        Assert.Equal([Path.Combine(folder.Path, "apps"), "/abs"], config.ResolveCatalog());
    }

    [Fact]
    public void ServerConfigFile_ThatIsNotJson_IsAUsageError()
    {
        using var folder = new TempFolder();
        var path = folder.WriteFile("wharf.json", "postgres: yaml is not json");

        Assert.Throws<UsageException>(() => ServerConfigFile.Read(path));
    }
}
