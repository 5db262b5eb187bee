using Wharf.Agent.Drivers;

namespace Wharf.Agent.Tests.Drivers;

public sealed class TaskEnvironmentTests
{
    [Theory]
    [InlineData("database", "DATABASE")]
    [InlineData("my-db", "MY_DB")]
    [InlineData("http.v2", "HTTP_V2")]
    [InlineData("dataStore", "DATASTORE")]
    public void VariableName_UpperCasesAndReplacesOtherCharacters(string name, string expected) =>
        Assert.Equal(expected, TaskEnvironment.VariableName(name));

    [Fact]
    public void Build_GivesWharfVariablesPrecedenceOverJobEnvironment()
    {
        var spec = new TaskSpec
        {
            JobId = "4150",
            Rank = 2,
            Replicas = 3,
            Command = ["run"],
            WorkingDirectory = "/w",
            LogDirectory = "/l",
            Environment = new Dictionary<string, string> { ["WHARF_RANK"] = "99", ["MODE"] = "fast" },
            Peers = new Dictionary<string, TaskPeer>
            {
                ["my-db"] = new() { JobId = "4101", Address = "10.0.0.5", Ports = new Dictionary<string, int> { ["sql"] = 5432 } },
                ["cache"] = new() { JobId = "4102", Address = "10.0.0.6" },
            },
        };

        var environment = TaskEnvironment.Build(
            spec,
            new Dictionary<string, int> { ["http"] = 8080 },
            new Dictionary<string, string> { ["my-db"] = "my-db" },
            new Dictionary<string, string> { ["dataStore"] = "/w/data" });

        Assert.Equal("2", environment["WHARF_RANK"]);
        Assert.Equal("3", environment["WHARF_REPLICAS"]);
        Assert.Equal("4150", environment["WHARF_JOB_ID"]);
        Assert.Equal("fast", environment["MODE"]);
        Assert.Equal("8080", environment["WHARF_PORT_HTTP"]);
        Assert.Equal("my-db", environment["WHARF_PEER_MY_DB_HOST"]);
        Assert.Equal("4101", environment["WHARF_PEER_MY_DB_JOB_ID"]);
        Assert.Equal("5432", environment["WHARF_PEER_MY_DB_PORT_SQL"]);
        Assert.Equal("10.0.0.6", environment["WHARF_PEER_CACHE_HOST"]);
        Assert.Equal("/w/data", environment["WHARF_FILE_DATASTORE"]);
    }
}
