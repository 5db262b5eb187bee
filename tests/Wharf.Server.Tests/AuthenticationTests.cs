using System.Net;
using System.Text.Json;
using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests;

public sealed class AuthenticationTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wharf_notatoken")]
    [InlineData("Bearer garbage")]
    [InlineData("Bearer ")]
    [InlineData("Basic YWRtaW46YWRtaW4=")]
    public async Task Requests_WithoutValidToken_AreRefused401_AndStoreNothing(string? authorization)
    {
        await using var server = await WharfTestServer.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/jobs") { Content = new StringContent(JobBodies.Database()) };
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await server.Http.SendAsync(request);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, await server.CountJobsAsync());
    }

    [Fact]
    public async Task RevokedToken_IsRefusedAtOnce()
    {
        await using var server = await WharfTestServer.StartAsync();
        using var created = await server.PostAsync("/api/tokens", server.AdminToken, """{"role":"user","user":"bob","project":"p"}""");
        using var document = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var id = document.RootElement.GetProperty("id").GetString()!;
        var secret = document.RootElement.GetProperty("token").GetString()!;
        using (var before = await server.GetAsync("/api/whoami", secret))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using (var revoke = await server.PostAsync("/api/tokens/revoke", server.AdminToken, JsonSerializer.Serialize(new { id })))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }

        using var after = await server.PostAsync("/api/jobs", secret, JobBodies.Database());
        await ProblemAssert.IsProblemAsync(after, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal(0, await server.CountJobsAsync());
    }

    [Fact]
    public async Task ExpiredToken_IsRefused()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.Parse("2030-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var server = await WharfTestServer.StartAsync(o => new WharfServerOptions
        {
            DataDirectory = o.DataDirectory, Urls = o.Urls, CatalogDirectories = o.CatalogDirectories, TimeProvider = clock,
        });
        var token = await server.CreateTokenAsync("user", "carol", "p", expiresInSeconds: 60);
        using (var fresh = await server.GetAsync("/api/whoami", token))
        {
            Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        }

        clock.Advance(TimeSpan.FromSeconds(61));

        using var expired = await server.GetAsync("/api/whoami", token);
        var problem = await ProblemAssert.IsProblemAsync(expired, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Contains("expired", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhoAmI_TellsUserProjectAndRole()
    {
        await using var server = await WharfTestServer.StartAsync();
        var token = await server.UserTokenAsync("dave", "genomics");

        using var response = await server.GetAsync("/api/whoami", token);

        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("dave", document.RootElement.GetProperty("user").GetString());
        Assert.Equal("genomics", document.RootElement.GetProperty("project").GetString());
        Assert.Equal("user", document.RootElement.GetProperty("role").GetString());
    }

    [Fact]
    public async Task UserToken_CannotManageTokensOrCatalog_403()
    {
        await using var server = await WharfTestServer.StartAsync();
        var token = await server.UserTokenAsync();

        using var tokens = await server.PostAsync("/api/tokens", token, """{"role":"admin","user":"mallory"}""");
        await ProblemAssert.IsProblemAsync(tokens, HttpStatusCode.Forbidden, "forbidden");
        using var list = await server.GetAsync("/api/tokens", token);
        await ProblemAssert.IsProblemAsync(list, HttpStatusCode.Forbidden, "forbidden");
        using var product = await server.PostAsync("/api/products", token, """{"id":"x","category":"c","provider":"p","cpu":1}""");
        await ProblemAssert.IsProblemAsync(product, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task AgentToken_CannotUseJobsApi_403()
    {
        await using var server = await WharfTestServer.StartAsync();
        var agent = await server.CreateTokenAsync("agent", "node-1");

        using var response = await server.PostAsync("/api/jobs", agent, JobBodies.Database());

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task UserTokenWithoutProject_CannotCreateJobs_403()
    {
        await using var server = await WharfTestServer.StartAsync();
        var token = await server.CreateTokenAsync("user", "erin");

        using var response = await server.PostAsync("/api/jobs", token, JobBodies.Database());

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
        Assert.Contains("project", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await server.CountJobsAsync());
    }

    [Fact]
    public async Task AdminToken_CreatesJobsOnlyForANamedProject()
    {
        await using var server = await WharfTestServer.StartAsync();

        using (var refused = await server.PostAsync("/api/jobs", server.AdminToken, JobBodies.Database()))
        {
            await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Forbidden, "forbidden");
        }

        using var accepted = await server.PostAsync("/api/jobs?project=ops", server.AdminToken, JobBodies.Database());
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        using var answer = JsonDocument.Parse(await accepted.Content.ReadAsStringAsync());
        var id = answer.RootElement.GetProperty("responses")[0].GetProperty("id").GetString()!;
        var job = await server.Store.Jobs.GetJobAsync(id, CancellationToken.None);
        Assert.Equal("ops", job!.Owner.Project);
        Assert.Equal("admin", job.Owner.CreatedBy);
    }

    [Fact]
    public async Task TokenCreation_ValidatesEveryField()
    {
        await using var server = await WharfTestServer.StartAsync();

        using var response = await server.PostAsync("/api/tokens", server.AdminToken,
            """{"role":"root","user":"bad user","project":"../x","expiresInSeconds":-5,"name":""}""");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed", "role", "user", "project", "expiresInSeconds", "name");
    }

    [Fact]
    public async Task TokenList_NeverShowsSecretsOrHashes()
    {
        await using var server = await WharfTestServer.StartAsync();
        var secret = await server.UserTokenAsync();

        using var response = await server.GetAsync("/api/tokens", server.AdminToken);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        Assert.DoesNotContain(server.AdminToken, text, StringComparison.Ordinal);
        Assert.DoesNotContain("hash", text, StringComparison.OrdinalIgnoreCase);
        using var document = JsonDocument.Parse(text);
        Assert.Equal(2, document.RootElement.GetProperty("items").GetArrayLength());
    }
}
