using System.Globalization;
using System.Net;

namespace Examples.Tests;

public sealed class AcmeWebAppTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public void Dispose()
    {
        _http.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public async Task Page_ShowsGreetingReadFromDatabase_AndCountsVisitsThere()
    {
        await using var database = await StartDatabaseAsync(port: 0);
        await using var web = await StartWebAppAsync(database.Port);

        var first = await _http.GetAsync(PageUri(web));
        var firstBody = await first.Content.ReadAsStringAsync();
        var second = await _http.GetStringAsync(PageUri(web));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("text/html", first.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<h1>Hello from acme-database</h1>", firstBody, StringComparison.Ordinal);
        Assert.Contains("<strong id=\"visits\">1</strong>", firstBody, StringComparison.Ordinal);
        Assert.Contains("<strong id=\"visits\">2</strong>", second, StringComparison.Ordinal);
        await using var client = await LineClient.ConnectAsync(database.Port);
        Assert.Equal("VALUE 2", await client.SendAsync("GET visits"));
        Assert.Equal(0, await web.StopAsync());
        Assert.Contains("acme-web-app stopped", web.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_Answers503_WhileDatabaseIsDown_AndRecoversWhenItIsBack()
    {
        var database = await StartDatabaseAsync(port: 0);
        var databasePort = database.Port;
        await using var web = await StartWebAppAsync(databasePort);
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync(PageUri(web))).StatusCode);

        Assert.Equal(0, await database.StopAsync());
        await database.DisposeAsync();
        var down = await _http.GetAsync(PageUri(web));
        var downBody = await down.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Contains("Database unavailable", downBody, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{databasePort}", downBody, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync(new Uri(PageUri(web), "/healthz"))).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await _http.GetAsync(new Uri(PageUri(web), "/readyz"))).StatusCode);

        await using var restarted = await StartDatabaseAsync(databasePort);
        var back = await _http.GetAsync(PageUri(web));
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
        // The count kept in the database's folder went on across its restart.
        Assert.Contains("<strong id=\"visits\">2</strong>", await back.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_Answers503_WhenDatabaseHostDoesNotResolve()
    {
        await using var web = await ExampleProgram.StartListeningAsync(
            ExampleProgram.WebApp, [],
            new Dictionary<string, string>
            {
                ["WHARF_PORT_HTTP"] = "0",
                ["WHARF_PEER_DATABASE_HOST"] = "no-such-peer.invalid",
            });

        var response = await _http.GetAsync(PageUri(web));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("no-such-peer.invalid:7379", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("database at no-such-peer.invalid:7379", web.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_EscapesValuesReadFromDatabase()
    {
        await using var database = await StartDatabaseAsync(port: 0);
        await using (var client = await LineClient.ConnectAsync(database.Port))
        {
            Assert.Equal("OK", await client.SendAsync("SET greeting <script>alert(1)</script>"));
        }
        await using var web = await StartWebAppAsync(database.Port);

        var body = await _http.GetStringAsync(PageUri(web));

        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", body, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", body, StringComparison.Ordinal);
    }

    private Task<ExampleProgram> StartDatabaseAsync(int port) =>
        ExampleProgram.StartListeningAsync(
            ExampleProgram.Database,
            ["--port", port.ToString(CultureInfo.InvariantCulture), "--data", Path.Combine(_temp.Path, "data")]);

    private static Task<ExampleProgram> StartWebAppAsync(int databasePort) =>
        ExampleProgram.StartListeningAsync(
            ExampleProgram.WebApp, [],
            new Dictionary<string, string>
            {
                ["WHARF_PORT_HTTP"] = "0",
                ["WHARF_PEER_DATABASE_HOST"] = "127.0.0.1",
                ["WHARF_PEER_DATABASE_PORT_DB"] = databasePort.ToString(CultureInfo.InvariantCulture),
            });

    private static Uri PageUri(ExampleProgram web) => new($"http://127.0.0.1:{web.Port}/");
}
