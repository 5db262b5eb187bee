using Wharf.Domain.Catalog;

namespace Wharf.Groups.Tests;

public class ComposeHealthTests
{
    private static ApplicationHealthCheck? HealthOf(string body) =>
        Read.Service($"services:\n  db:\n    command: [run]\n    ports: [\"5432\"]\n{body}", "db").Definition!.HealthCheck;

    [Fact]
    public void CmdTest_WithDurations()
    {
        var check = HealthOf("    healthcheck:\n      test: [CMD, pg_isready, -U, app]\n      interval: 1m30s\n      timeout: 500ms\n      retries: 5\n")!;
        Assert.Equal("command", check.Type);
        Assert.Equal(["pg_isready", "-U", "app"], check.Command);
        Assert.Equal(90, check.IntervalSeconds);
        Assert.Equal(0.5, check.TimeoutSeconds);
        Assert.Equal(5, check.FailureThreshold);
    }

    [Fact]
    public void CmdShellAndText_RunUnderShell_WithComposeDefaults()
    {
        var shell = HealthOf("    healthcheck:\n      test: [CMD-SHELL, \"pg_isready -U $$USER\"]\n")!;
        Assert.Equal(["/bin/sh", "-c", "pg_isready -U $USER"], shell.Command);
        Assert.Equal((30d, 30d, 3), (shell.IntervalSeconds, shell.TimeoutSeconds, shell.FailureThreshold));
        Assert.Equal(["/bin/sh", "-c", "curl -f localhost"], HealthOf("    healthcheck:\n      test: curl -f localhost\n")!.Command);
    }

    [Fact]
    public void NoneOrDisable_MeansNoCheck()
    {
        Assert.Null(HealthOf("    healthcheck:\n      test: [NONE]\n"));
        Assert.Null(HealthOf("    healthcheck:\n      test: [CMD, x]\n      disable: true\n"));
    }

    [Fact]
    public void BadHealthCheck_ReportsEveryFault()
    {
        var faults = Read.ComposeFaults("services:\n  db:\n    command: [run]\n    healthcheck:\n      test: [RUN, x]\n      interval: 10\n      retries: 0\n");
        Assert.Equal(5, Read.Single(faults, "services.db.healthcheck.test").Line);
        Assert.Equal(6, Read.Single(faults, "services.db.healthcheck.interval").Line);
        Assert.Equal(7, Read.Single(faults, "services.db.healthcheck.retries").Line);
    }

    [Fact]
    public void MissingTest_IsAFault()
    {
        Assert.Equal("required", Read.Single(Read.ComposeFaults("services:\n  db:\n    command: [run]\n    healthcheck: {interval: 5s}\n"), "services.db.healthcheck.test").Code);
    }

    [Fact]
    public void StartPeriod_IsIgnoredWithAWarning()
    {
        var manifest = Read.Compose("services:\n  db:\n    command: [run]\n    healthcheck: {test: [CMD, x], start_period: 10s}\n");
        Assert.Equal("services.db.healthcheck.start_period", Assert.Single(manifest.Warnings).Field);
    }

    [Fact]
    public void WharfCheck_Tcp_ByContainerPort_WinsOverCompose()
    {
        var check = HealthOf("    healthcheck: {test: [CMD, x]}\n    x-wharf:\n      healthcheck: {type: tcp, port: 5432, interval: 2s}\n")!;
        Assert.Equal(("tcp", "p5432", 2d), (check.Type, check.Port, check.IntervalSeconds));
    }

    [Fact]
    public void WharfCheck_HttpByName_Process_Command()
    {
        Assert.Equal(("http", "p5432", "/health"), HealthOf("    x-wharf:\n      healthcheck: {type: http, port: p5432, path: /health}\n") is { } h ? (h.Type, h.Port, h.Path) : default);
        Assert.Equal("process", HealthOf("    x-wharf:\n      healthcheck: {type: process}\n")!.Type);
        Assert.Equal(["/bin/sh", "-c", "test -f ready"], HealthOf("    x-wharf:\n      healthcheck: {type: command, command: test -f ready}\n")!.Command);
    }

    [Fact]
    public void WharfCheck_Faults()
    {
        var faults = Read.ComposeFaults("services:\n  db:\n    command: [run]\n    x-wharf:\n      healthcheck: {type: tcp, port: 9999}\n  b:\n    command: [run]\n    x-wharf:\n      healthcheck: {type: ping}\n      colour: blue\n");
        Assert.Equal("invalid", Read.Single(faults, "services.db.x-wharf.healthcheck.port").Code);
        Assert.Equal("invalid", Read.Single(faults, "services.b.x-wharf.healthcheck.type").Code);
        Assert.Equal("unknown_key", Read.Single(faults, "services.b.x-wharf.colour").Code);
    }
}
