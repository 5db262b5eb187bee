using Wharf.Cli.Hosting;

namespace Wharf.Cli.Tests;

public sealed class ServerConfigFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("wharf-config-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Read_TakesQueuesLeasesAndOidc_WithPathsRelativeToTheFile()
    {
        var path = Path.Combine(_folder, "wharf.json");
        File.WriteAllText(path, """
            {
              // comments are allowed
              "postgres": "Host=127.0.0.1",
              "leaseTimeoutSeconds": 12,
              "queues": [ { "name": "vm", "fairShare": true, "nodeLabels": { "pool": "vm" } }, { "name": "batch", "backfill": false } ],
              "oidc": { "issuer": "https://id.example/realms/wharf", "audience": "wharf", "keyFile": "keys/realm.pem" },
            }
            """);

        var config = ServerConfigFile.Read(path);
        var execution = config.Execution();
        var oidc = config.ResolveOidc()!;

        Assert.Equal(TimeSpan.FromSeconds(12), execution.LeaseTimeout);
        Assert.Collection(
            execution.Scheduler.Queues,
            vm =>
            {
                Assert.Equal("vm", vm.Name);
                Assert.True(vm.FairShare);
                Assert.Equal("vm", vm.NodeLabels["pool"]);
            },
            batch =>
            {
                Assert.Equal("batch", batch.Name);
                Assert.False(batch.Backfill);
            });
        Assert.Equal(Path.Combine(_folder, "keys", "realm.pem"), oidc.KeyFile);
        Assert.Equal("wharf", oidc.Audience);
    }

    [Fact]
    public void Execution_RefusesANonPositiveLease()
    {
        var path = Path.Combine(_folder, "bad.json");
        File.WriteAllText(path, """{ "leaseTimeoutSeconds": 0 }""");

        Assert.Throws<UsageException>(() => ServerConfigFile.Read(path).Execution());
    }

    [Fact]
    public void Execution_IsTheDefault_WhenTheFileSaysNothing()
    {
        var path = Path.Combine(_folder, "empty.json");
        File.WriteAllText(path, "{}");

        var execution = ServerConfigFile.Read(path).Execution();

        Assert.Equal(TimeSpan.FromSeconds(30), execution.LeaseTimeout);
        Assert.Empty(execution.Scheduler.Queues);
        Assert.Null(ServerConfigFile.Read(path).ResolveOidc());
    }
}
