using Wharf.Agent.Drivers;
using Wharf.Agent.Loop.Tests.Support;
using Wharf.Domain.Agents;
using FileMount = Wharf.Domain.Agents.FileMount;

namespace Wharf.Agent.Loop.Tests;

public sealed class TaskSpecsTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "wharf-taskspecs-" + Guid.NewGuid().ToString("N")[..12]);

    [Fact]
    public void From_PutsTheRankInItsFolders_AndCarriesEnvironmentPortsAndPeers()
    {
        var data = new DataFolder(_root);
        var assignment = AgentTestBed.Assignment("77", rank: 1, replicas: 2, ports: ["http"]) with
        {
            Peers = [new PeerEndpoint("database", "76", "10.0.0.5", new Dictionary<string, int> { ["db"] = 7000 }), new PeerEndpoint("cache", "75", null, new Dictionary<string, int>())],
        };

        var spec = TaskSpecs.From(assignment, data);

        Assert.Equal(Path.Combine(_root, "jobs", "77", "1", "work"), spec.WorkingDirectory);
        Assert.Equal(Path.Combine(_root, "jobs", "77", "1"), spec.LogDirectory);
        Assert.Equal((1, 2), (spec.Rank, spec.Replicas));
        Assert.Equal(["http"], spec.Ports);
        Assert.Equal("hello", spec.Environment["GREETING"]);
        Assert.Equal("node-0", spec.Environment["WHARF_NODE_ID"]);
        Assert.Equal("proj", spec.Environment["WHARF_PROJECT"]);
        Assert.Equal(("76", "10.0.0.5", 7000), (spec.Peers["database"].JobId, spec.Peers["database"].Address, spec.Peers["database"].Ports["db"]));
        Assert.Equal("cache", spec.Peers["cache"].Address);
    }

    [Fact]
    public void From_MapsFilesIntoTheOwnersStore_CreatingMissingWritableFolders()
    {
        var data = new DataFolder(_root);
        var store = Path.Combine(_root, "files", "proj");
        Directory.CreateDirectory(Path.Combine(store, "inputs"));
        File.WriteAllText(Path.Combine(store, "inputs", "app.conf"), "x");
        Directory.CreateDirectory(Path.Combine(store, "x", "acme-database"));
        var assignment = AgentTestBed.Assignment("78") with
        {
            // The seed's dataStore is a `file` parameter naming a folder that does not exist yet.
            Files = [new FileMount("dataStore", "/123/acme-database", false, false), new FileMount("config", "/inputs/app.conf", true, false), new FileMount("other", "/x/acme-database", true, true)],
        };

        var spec = TaskSpecs.From(assignment, data);

        Assert.Equal(
            [("dataStore", Path.Combine(store, "123", "acme-database"), "acme-database", false), ("config", Path.Combine(store, "inputs", "app.conf"), "app.conf", true), ("other", Path.Combine(store, "x", "acme-database"), "acme-database-2", true)],
            spec.Files.Select(f => (f.Name, f.HostPath, f.JobPath, f.ReadOnly)));
        Assert.True(Directory.Exists(Path.Combine(store, "123", "acme-database")));
        Assert.True(File.Exists(Path.Combine(store, "inputs", "app.conf")));
    }

    [Fact]
    public void From_RefusesAReadOnlyPathThatDoesNotExist()
    {
        var assignment = AgentTestBed.Assignment("80") with { Files = [new FileMount("config", "/inputs/missing.conf", true, false)] };

        var refused = Assert.Throws<TaskStartException>(() => TaskSpecs.From(assignment, new DataFolder(_root)));

        Assert.Contains("/inputs/missing.conf", refused.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_root, "files", "proj", "inputs", "missing.conf")));
    }

    [Fact]
    public void From_RefusesAFilePathThatLeavesTheStore()
    {
        var assignment = AgentTestBed.Assignment("79") with { Files = [new FileMount("secrets", "/../../../etc", true, true)] };

        var refused = Assert.Throws<TaskStartException>(() => TaskSpecs.From(assignment, new DataFolder(_root)));

        Assert.Contains("/../../../etc", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("41", "41")]
    [InlineData("a/b", "a%2Fb")]
    [InlineData("..", "%2E%2E")]
    [InlineData("", "_")]
    public void Segment_KeepsEveryNameInsideItsFolder(string name, string segment) =>
        Assert.Equal(segment, DataFolder.Segment(name));

    [Fact]
    public void MemTotal_IsReadFromMeminfo()
    {
        Assert.Equal(16318412L * 1024, HostNode.MemTotalBytes("MemFree:  100 kB\nMemTotal:       16318412 kB\n"));
        Assert.Null(HostNode.MemTotalBytes("nothing here"));
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
