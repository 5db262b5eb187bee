using System.Net;
using System.Text.Json;
using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests;

/// <summary>Probes, the OpenAPI document, and the problems for routes and methods that do not exist.</summary>
public sealed class HttpSurfaceTests
{
    [Fact]
    public async Task Probes_AnswerWithoutToken()
    {
        await using var server = await WharfTestServer.StartAsync();

        using var health = await server.GetAsync("/healthz", null);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var ready = await server.GetAsync("/readyz", null);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        using var document = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        Assert.Equal("ready", document.RootElement.GetProperty("status").GetString());
        Assert.Equal("sqlite", document.RootElement.GetProperty("store").GetString());
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheNativeApi()
    {
        await using var server = await WharfTestServer.StartAsync();

        using var response = await server.GetAsync("/openapi/v1.json", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var paths = document.RootElement.GetProperty("paths");
        foreach (var path in new[] { "/api/jobs", "/api/jobs/browse", "/api/jobs/retrieve", "/api/jobs/terminate", "/api/jobs/extend",
                     "/api/jobs/suspend", "/api/jobs/unsuspend", "/api/applications", "/api/products", "/api/tokens", "/api/whoami" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"the document lacks {path}");
        }

        var create = paths.GetProperty("/api/jobs").GetProperty("post");
        Assert.True(create.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        Assert.True(create.GetProperty("responses").TryGetProperty("409", out _));
        var browse = paths.GetProperty("/api/jobs/browse").GetProperty("get").GetProperty("parameters");
        Assert.Contains(browse.EnumerateArray(), p => p.GetProperty("name").GetString() == "itemsPerPage");
    }

    [Fact]
    public async Task UnknownRoute_Is404Problem_ForAuthenticatedCaller_And401Without()
    {
        await using var server = await WharfTestServer.StartAsync();
        var token = await server.UserTokenAsync();

        using var known = await server.GetAsync("/api/nothing-here", token);
        await ProblemAssert.IsProblemAsync(known, HttpStatusCode.NotFound, "not_found");
        using var anonymous = await server.GetAsync("/api/nothing-here", null);
        await ProblemAssert.IsProblemAsync(anonymous, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task WrongMethod_Is405Problem()
    {
        await using var server = await WharfTestServer.StartAsync();
        var token = await server.UserTokenAsync();

        using var get = await server.GetAsync("/api/jobs", token);
        await ProblemAssert.IsProblemAsync(get, HttpStatusCode.MethodNotAllowed, "method_not_allowed");
        using var delete = await server.SendAsync(HttpMethod.Delete, "/api/jobs/retrieve?id=1", token);
        await ProblemAssert.IsProblemAsync(delete, HttpStatusCode.MethodNotAllowed, "method_not_allowed");
    }

    [Fact]
    public async Task BodyIsReadWhateverTheContentTypeSays()
    {
        await using var server = await WharfTestServer.StartAsync();
        var token = await server.UserTokenAsync();

        foreach (var contentType in new[] { "text/plain", "application/x-www-form-urlencoded", "bogus", null })
        {
            using var response = await server.SendAsync(HttpMethod.Post, "/api/jobs", token,
                JobBodies.Database(name: "db", allowDuplicate: true), contentType);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{contentType}: {await response.Content.ReadAsStringAsync()}");
        }

        Assert.Equal(4, await server.CountJobsAsync());
    }
}
