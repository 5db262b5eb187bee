using Wharf.Domain.Jobs;

namespace Wharf.Groups.Tests;

public class ComposeDependencyTests
{
    [Fact]
    public void Components_AreOrderedSoDependenciesComeFirst_KeepingFileOrderOtherwise()
    {
        const string yaml = """
            services:
              job:
                command: [run]
                depends_on:
                  web: {condition: service_completed_successfully}
              web:
                command: [run]
                depends_on: [db, cache]
              other:
                command: [run]
              cache:
                command: [run]
              db:
                command: [run]
            """;
        Assert.Equal(["other", "cache", "db", "web", "job"], Read.Compose(yaml).Components.Select(c => c.Name));
    }

    [Fact]
    public void MapForm_KeepsConditions_AndPeersAreStartedOrHealthyPlusLinks()
    {
        const string yaml = """
            services:
              db:
                command: [run]
                healthcheck: {test: [CMD, pg_isready]}
              cache:
                command: [run]
              migrate:
                command: [run]
              web:
                command: [run]
                links: ["cache:redis"]
                depends_on:
                  db: {condition: service_healthy}
                  migrate: {condition: service_completed_successfully, required: true}
                  cache:
            """;
        var web = Read.Service(yaml, "web");
        Assert.Equal(
            [new("db", DependencyConditions.Healthy), new("migrate", DependencyConditions.CompletedSuccessfully), new("cache", DependencyConditions.Started)],
            web.DependsOn);
        Assert.Equal(["db", "cache"], web.Peers);
    }

    [Fact]
    public void Cycle_IsAFaultNamingTheServices()
    {
        const string yaml = "services:\n  a:\n    command: [run]\n    depends_on: [b]\n  b:\n    command: [run]\n    depends_on: [c]\n  c:\n    command: [run]\n    depends_on: [a]\n  d:\n    command: [run]\n";
        var fault = Assert.Single(Read.ComposeFaults(yaml));
        Assert.Equal("cycle", fault.Code);
        Assert.Equal("services.a.depends_on", fault.Field);
        Assert.Contains("a → b → c → a", fault.Message, StringComparison.Ordinal);
        Assert.Equal(4, fault.Line);
    }

    [Fact]
    public void SelfDependency_IsACycle()
    {
        Assert.Equal("cycle", Assert.Single(Read.ComposeFaults("services:\n  a:\n    command: [run]\n    depends_on: [a]\n")).Code);
    }

    [Fact]
    public void UnknownServices_InDependsOnAndLinks_AreFaults()
    {
        var faults = Read.ComposeFaults("services:\n  a:\n    command: [run]\n    depends_on: [ghost]\n    links: [phantom]\n");
        Assert.Equal("unknown_service", Read.Single(faults, "services.a.depends_on[0]").Code);
        Assert.Equal("unknown_service", Read.Single(faults, "services.a.links[0]").Code);
    }

    [Fact]
    public void OptionalDependency_OnAMissingService_IsDroppedWithAWarning()
    {
        var manifest = Read.Compose("services:\n  a:\n    command: [run]\n    depends_on:\n      ghost: {required: false}\n");
        Assert.Empty(manifest.Components[0].DependsOn);
        Assert.Equal("services.a.depends_on.ghost", Assert.Single(manifest.Warnings).Field);
    }

    [Fact]
    public void UnknownCondition_IsAFault()
    {
        var fault = Read.Single(Read.ComposeFaults("services:\n  a:\n    command: [run]\n  b:\n    command: [run]\n    depends_on:\n      a: {condition: service_happy}\n"), "services.b.depends_on.a.condition");
        Assert.Equal(7, fault.Line);
    }

    [Fact]
    public void Healthy_OnAServiceWithoutHealthCheck_IsAFault()
    {
        var fault = Read.Single(Read.ComposeFaults("services:\n  a:\n    command: [run]\n  b:\n    command: [run]\n    depends_on:\n      a: {condition: service_healthy}\n"), "services.b.depends_on.a.condition");
        Assert.Contains("needs a health check on a", fault.Message, StringComparison.Ordinal);
    }
}
