namespace Examples.Tests;

public sealed class AcmeDatabaseTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    private string DataDirectory => Path.Combine(_temp.Path, "data");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task FirstStart_SeedsGreeting_AndAnswersProtocol()
    {
        await using var database = await StartAsync();
        await using var client = await LineClient.ConnectAsync(database.Port);

        Assert.Equal("PONG", await client.SendAsync("PING"));
        Assert.Equal("VALUE Hello from acme-database", await client.SendAsync("GET greeting"));
        Assert.Equal("OK", await client.SendAsync("SET name Ada Lovelace"));
        Assert.Equal("VALUE Ada Lovelace", await client.SendAsync("get name"));
        Assert.Equal("VALUE 1", await client.SendAsync("INCR visits"));
        Assert.Equal("KEYS greeting name product visits", await client.SendAsync("KEYS"));
        Assert.Equal("OK", await client.SendAsync("DEL name"));
        Assert.Equal("NOTFOUND", await client.SendAsync("DEL name"));
        Assert.Equal("NOTFOUND", await client.SendAsync("GET name"));
        Assert.Equal("BYE", await client.SendAsync("QUIT"));
        Assert.Null(await client.ReadLineAsync());
        Assert.Contains("seeded 3 demo keys", database.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("FLY away", "ERR unknown command 'FLY'")]
    [InlineData("", "ERR empty command")]
    [InlineData("SET lonely", "ERR usage: SET key value")]
    [InlineData("GET", "ERR usage: GET key")]
    [InlineData("GET two keys", "ERR usage: GET key")]
    [InlineData("PING extra", "ERR usage: PING")]
    [InlineData("INCR greeting", "ERR value is not an integer")]
    public async Task MalformedCommand_GetsError_AndConnectionStaysUsable(string line, string expectedStart)
    {
        await using var database = await StartAsync();
        await using var client = await LineClient.ConnectAsync(database.Port);

        var reply = await client.SendAsync(line);

        Assert.StartsWith(expectedStart, reply, StringComparison.Ordinal);
        Assert.Equal("PONG", await client.SendAsync("PING"));
    }

    [Fact]
    public async Task OverlongLine_GetsError_AndConnectionCloses()
    {
        await using var database = await StartAsync();
        await using var client = await LineClient.ConnectAsync(database.Port);

        var reply = await client.SendAsync("SET big " + new string('x', 70_000));

        Assert.StartsWith("ERR line longer than", reply, StringComparison.Ordinal);
        Assert.Null(await client.ReadLineAsync());
    }

    [Fact]
    public async Task Writes_SurviveGracefulRestart_AndSeedsAreNotRepeated()
    {
        await using (var first = await StartAsync())
        {
            await using var client = await LineClient.ConnectAsync(first.Port);
            Assert.Equal("OK", await client.SendAsync("SET city  København, with spaces "));
            Assert.Equal("OK", await client.SendAsync("DEL greeting"));
            Assert.Equal(0, await first.StopAsync());
            Assert.Contains("acme-database stopped", first.Output, StringComparison.Ordinal);
        }

        await using var second = await StartAsync();
        await using var again = await LineClient.ConnectAsync(second.Port);
        Assert.Equal("VALUE  København, with spaces ", await again.SendAsync("GET city"));
        Assert.Equal("NOTFOUND", await again.SendAsync("GET greeting"));
        Assert.Contains("loaded 3 keys", second.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcknowledgedWrite_SurvivesKill()
    {
        await using (var first = await StartAsync())
        {
            await using var client = await LineClient.ConnectAsync(first.Port);
            Assert.Equal("OK", await client.SendAsync("SET durable yes"));
            await first.CrashAsync();
        }

        await using var second = await StartAsync();
        await using var again = await LineClient.ConnectAsync(second.Port);
        Assert.Equal("VALUE yes", await again.SendAsync("GET durable"));
    }

    [Fact]
    public async Task Log_IsCompacted_WithoutLosingData()
    {
        await using (var first = await StartAsync("--compact-after", "10"))
        {
            await using var client = await LineClient.ConnectAsync(first.Port);
            for (var i = 0; i < 100; i++)
            {
                Assert.Equal($"VALUE {i + 1}", await client.SendAsync("INCR counter"));
            }
            Assert.Equal(0, await first.StopAsync());
        }

        var records = File.ReadAllLines(Path.Combine(DataDirectory, "store.aof"));
        Assert.InRange(records.Length, 4, 4 + 10);

        await using var second = await StartAsync();
        await using var again = await LineClient.ConnectAsync(second.Port);
        Assert.Equal("VALUE 100", await again.SendAsync("GET counter"));
    }

    [Fact]
    public async Task UnfinishedLastRecord_IsDropped_AndTheRestLoads()
    {
        Directory.CreateDirectory(DataDirectory);
        await File.WriteAllTextAsync(Path.Combine(DataDirectory, "store.aof"), "SET kept 1\nSET torn hal");

        await using var database = await StartAsync();
        await using var client = await LineClient.ConnectAsync(database.Port);

        Assert.Equal("VALUE 1", await client.SendAsync("GET kept"));
        Assert.Equal("NOTFOUND", await client.SendAsync("GET torn"));
        Assert.Equal("NOTFOUND", await client.SendAsync("GET greeting"));
        Assert.Equal("OK", await client.SendAsync("SET after crash"));
        Assert.Equal("SET kept 1\nSET after crash\n", await File.ReadAllTextAsync(Path.Combine(DataDirectory, "store.aof")));
    }

    [Fact]
    public async Task SecondProcess_OnSameDataFolder_IsRefused()
    {
        await using var first = await StartAsync();

        await using var second = ExampleProgram.Start(ExampleProgram.Database, ["--port", "0", "--data", DataDirectory]);

        Assert.Equal(1, await second.WaitForExitAsync());
        Assert.Contains("in use", second.Output, StringComparison.Ordinal);
        await using var client = await LineClient.ConnectAsync(first.Port);
        Assert.Equal("PONG", await client.SendAsync("PING"));
    }

    [Fact]
    public async Task PortAndDataFolder_ComeFromEnvironment_WhenNoArguments()
    {
        var port = FreePort();

        await using var database = await ExampleProgram.StartListeningAsync(
            ExampleProgram.Database, [],
            new Dictionary<string, string> { ["WHARF_PORT_DB"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture), ["ACME_DATABASE_DATA"] = DataDirectory });

        Assert.Equal(port, database.Port);
        Assert.True(File.Exists(Path.Combine(DataDirectory, "store.aof")));
    }

    private Task<ExampleProgram> StartAsync(params string[] extra) =>
        ExampleProgram.StartListeningAsync(ExampleProgram.Database, ["--port", "0", "--data", DataDirectory, .. extra]);

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
