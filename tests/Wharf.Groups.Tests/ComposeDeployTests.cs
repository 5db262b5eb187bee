using Wharf.Domain.Jobs;
using Wharf.Server.Groups.Manifests;

namespace Wharf.Groups.Tests;

public class ComposeDeployTests
{
    private static GroupComponent Web(string body) => Read.Service($"services:\n  web:\n    command: [run]\n{body}", "web");

    [Fact]
    public void Replicas_DefaultOne()
    {
        Assert.Equal(1, Web("").Replicas);
        Assert.Equal(4, Web("    deploy:\n      replicas: 4\n").Replicas);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1001")]
    [InlineData("two")]
    public void Replicas_OutOfRange_IsAFault(string replicas)
    {
        var fault = Read.Single(Read.ComposeFaults($"services:\n  web:\n    command: [run]\n    deploy:\n      replicas: {replicas}\n"), "services.web.deploy.replicas");
        Assert.Equal(5, fault.Line);
    }

    [Fact]
    public void Resources_ReservationsWinOverLimits_MemoryRoundedUpToMiB()
    {
        var demand = Web("    deploy:\n      resources:\n        limits: {cpus: \"2\", memory: 1g}\n        reservations: {cpus: \"0.5\", memory: 1000000}\n").Demand;
        Assert.Equal(new RankDemand(0.5, 1), demand);
    }

    [Theory]
    [InlineData("512M", 512)]
    [InlineData("1g", 1024)]
    [InlineData("1gb", 1024)]
    [InlineData("1536k", 2)]
    [InlineData("1048577", 2)]
    [InlineData("0.5G", 512)]
    public void Memory_Units(string memory, long mib)
    {
        Assert.Equal(new RankDemand(0, mib), Web($"    deploy:\n      resources:\n        limits:\n          memory: {memory}\n").Demand);
    }

    [Fact]
    public void Limits_AloneGiveTheDemand_AndNoneGivesNull()
    {
        Assert.Equal(new RankDemand(1.5, 0), Web("    deploy:\n      resources:\n        limits: {cpus: 1.5}\n").Demand);
        Assert.Null(Web("").Demand);
    }

    [Fact]
    public void GpuReservation_CountsGpus()
    {
        Assert.Equal(new RankDemand(0, 0, 2), Web("    deploy:\n      resources:\n        reservations:\n          devices: [{capabilities: [gpu], count: 2}]\n").Demand);
    }

    [Fact]
    public void BadResources_AreFaults()
    {
        var faults = Read.ComposeFaults("services:\n  web:\n    command: [run]\n    deploy:\n      resources:\n        limits: {cpus: lots, memory: 5 parsecs}\n");
        Assert.Equal(6, Read.Single(faults, "services.web.deploy.resources.limits.cpus").Line);
        Assert.Equal(6, Read.Single(faults, "services.web.deploy.resources.limits.memory").Line);
    }

    [Theory]
    [InlineData("no", false)]
    [InlineData("always", true)]
    [InlineData("unless-stopped", true)]
    [InlineData("on-failure", true)]
    [InlineData("on-failure:3", true)]
    public void Restart(string restart, bool again)
    {
        Assert.Equal(again, Web($"    restart: {restart}\n").RestartOnExit);
    }

    [Fact]
    public void Restart_Default_IsNo_AndUnknownIsAFault()
    {
        Assert.False(Web("").RestartOnExit);
        Assert.Equal("invalid", Read.Single(Read.ComposeFaults("services:\n  web:\n    command: [run]\n    restart: sometimes\n"), "services.web.restart").Code);
    }

    [Fact]
    public void GlobalMode_IsRefused()
    {
        Assert.Equal("unsupported", Read.Single(Read.ComposeFaults("services:\n  web:\n    command: [run]\n    deploy: {mode: global}\n"), "services.web.deploy.mode").Code);
    }

    [Fact]
    public void Product_FromServiceOrTopLevel()
    {
        var manifest = Read.Compose("x-wharf:\n  product: acme/cpu/small\nservices:\n  a:\n    command: [run]\n  b:\n    command: [run]\n    x-wharf: {product: big}\n");
        Assert.Equal("acme/cpu/small", manifest.Components[0].Product);
        Assert.Equal("big", manifest.Components[1].Product);
        Assert.Null(Read.Service("services:\n  a:\n    command: [run]\n", "a").Product);
    }

    [Fact]
    public void OlderServiceKeys_ScaleCpusMemLimit_AndRestartPolicy()
    {
        var web = Web("    scale: 3\n    cpus: 0.25\n    mem_limit: 256m\n    deploy:\n      restart_policy: {condition: on-failure}\n");
        Assert.Equal((3, new RankDemand(0.25, 256), true), (web.Replicas, web.Demand, web.RestartOnExit));
        Assert.Equal(2, Web("    scale: 3\n    deploy: {replicas: 2}\n").Replicas);
    }
}
