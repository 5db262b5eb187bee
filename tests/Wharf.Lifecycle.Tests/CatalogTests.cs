namespace Wharf.Lifecycle.Tests;

/// <summary>Properties, templates, hooks and health checks in an application definition sent to a real server.</summary>
public sealed class CatalogTests
{
    [Fact]
    public async Task Application_WithFaultyLifecycleFields_IsRefusedNamingEachField()
    {
        await using var cluster = await LifecycleCluster.StartAsync();
        var refused = await Assert.ThrowsAsync<Client.WharfApiException>(() => cluster.Admin.RegisterApplicationYamlAsync("""
            name: faulty
            version: 1.0.0
            command: [./bin/run]
            properties:
              - {name: port, type: integr}
              - {name: level, type: integer, default: high}
            templates:
              - {path: ../outside, content: x}
              - {path: bin/run, content: "{{#if_p \"port\"}}unclosed"}
            hookTimeouts: {pre-stat: 5, drain: 0}
            healthCheck: {type: http, port: web}
            """, default));

        var fields = refused.Errors.Select(e => e.Field).ToList();
        Assert.Contains("properties[0].type", fields);
        Assert.Contains("properties[1].default", fields);
        Assert.Contains("templates[0].path", fields);
        Assert.Contains("templates[1].content", fields);
        Assert.Contains("hookTimeouts.pre-stat", fields);
        Assert.Contains("hookTimeouts.drain", fields);
        Assert.Contains("healthCheck.port", fields);
    }
}
