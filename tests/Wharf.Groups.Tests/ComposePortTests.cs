using Wharf.Domain.Catalog;

namespace Wharf.Groups.Tests;

public class ComposePortTests
{
    private static IReadOnlyList<ApplicationPort> PortsOf(string ports) =>
        Read.Service($"services:\n  web:\n    command: [run]\n    ports:\n{ports}", "web").Definition!.Ports;

    [Fact]
    public void ShortSyntax_IgnoresTheHostSide_AndNamesByTarget()
    {
        var ports = PortsOf("      - \"8080:80\"\n      - 443\n      - \"127.0.0.1:5432:5432/tcp\"\n      - \"[::1]:53:53/udp\"\n      - \"9000\"\n      - \"127.0.0.1::7000\"\n");
        Assert.Equal(
            [new("p80"), new("p443"), new("p5432"), new("p53", "udp"), new("p9000"), new("p7000")],
            ports);
    }

    [Fact]
    public void LongSyntax_UsesItsName()
    {
        var ports = PortsOf("      - target: 80\n        published: \"8080\"\n        name: web\n      - {target: 9090, protocol: udp}\n");
        Assert.Equal([new("web"), new("p9090", "udp")], ports);
    }

    [Fact]
    public void SameTarget_TcpAndUdp_GetDistinctNames()
    {
        Assert.Equal([new("p53"), new("p53-udp", "udp")], PortsOf("      - \"53:53\"\n      - \"53:53/udp\"\n"));
    }

    [Fact]
    public void Ranges_AndBadPorts_AreFaults()
    {
        var faults = Read.ComposeFaults("services:\n  web:\n    command: [run]\n    ports:\n      - \"8000-8001:8000-8001\"\n      - \"3000-3005\"\n      - \"http\"\n      - \"80/sctp\"\n      - {published: 80}\n      - {target: 81, name: Bad_Name}\n");
        Assert.Equal("unsupported", Read.Single(faults, "services.web.ports[0]").Code);
        Assert.Equal(5, Read.Single(faults, "services.web.ports[0]").Line);
        Assert.Equal("unsupported", Read.Single(faults, "services.web.ports[1]").Code);
        Assert.Equal("invalid", Read.Single(faults, "services.web.ports[2]").Code);
        Assert.Equal("invalid", Read.Single(faults, "services.web.ports[3]").Code);
        Assert.Equal("required", Read.Single(faults, "services.web.ports[4].target").Code);
        Assert.Equal("invalid", Read.Single(faults, "services.web.ports[5].name").Code);
    }

    [Fact]
    public void DuplicatePort_IsAFault()
    {
        Assert.Equal("duplicate", Read.Single(Read.ComposeFaults("services:\n  web:\n    command: [run]\n    ports: [\"80\", \"8080:80\"]\n"), "services.web.ports[1]").Code);
    }

    [Fact]
    public void Expose_IsIgnored()
    {
        Assert.Equal([new("p80")], PortsOf("      - \"80\"\n    expose: [\"9000\"]\n"));
    }
}
