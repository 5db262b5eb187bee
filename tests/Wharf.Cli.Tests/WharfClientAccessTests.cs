using System.Net;
using System.Text;
using Wharf.Client;

namespace Wharf.Cli.Tests;

public sealed class WharfClientAccessTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task CreateToken_IssuesASecret_ThatActsAsTheUser_UntilRevoked()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Admin();

        var issued = await admin.CreateTokenAsync(new TokenRequest("user", "alice", "p1", "laptop", 3600), None);
        using var alice = server.As(issued.Token);
        var identity = await alice.WhoAmIAsync(None);
        var listed = await admin.ListTokensAsync(None);
        await admin.RevokeTokenAsync(issued.Id, None);
        var afterRevoke = await Assert.ThrowsAsync<WharfApiException>(() => alice.WhoAmIAsync(None));

        Assert.Equal(("user", "alice", "p1"), (issued.Role, issued.User, issued.Project));
        Assert.Equal(new CallerIdentity("alice", "p1", "user"), identity);
        var summary = Assert.Single(listed, t => t.Id == issued.Id);
        Assert.Equal(("laptop", "p1"), (summary.Name, summary.Project));
        Assert.NotNull(summary.ExpiresAt);
        Assert.Equal((HttpStatusCode.Unauthorized, "unauthorized"), (afterRevoke.Status, afterRevoke.Code));
    }

    [Fact]
    public async Task WhoAmI_WithTheAdminToken_IsAnAdmin()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Admin();

        var identity = await admin.WhoAmIAsync(None);

        Assert.Equal("admin", identity.Role);
        Assert.True(await admin.IsReadyAsync(None));
    }

    [Fact]
    public async Task AnyCall_WithAWrongToken_IsUnauthorized()
    {
        await using var server = await TestServer.StartAsync();
        using var stranger = server.As("not-a-token");

        var problem = await Assert.ThrowsAsync<WharfApiException>(() => stranger.ListApplicationsAsync(None));

        Assert.Equal((HttpStatusCode.Unauthorized, "unauthorized"), (problem.Status, problem.Code));
    }

    [Fact]
    public async Task ListTokens_ByAUser_IsForbidden()
    {
        await using var server = await TestServer.StartAsync();
        using var alice = await server.UserAsync("alice", "p1");

        var problem = await Assert.ThrowsAsync<WharfApiException>(() => alice.ListTokensAsync(None));

        Assert.Equal((HttpStatusCode.Forbidden, "forbidden"), (problem.Status, problem.Code));
    }

    [Fact]
    public async Task AProblemFromARawRequest_IsParsed_ForSubclassesBuildingOnSendAsync()
    {
        await using var server = await TestServer.StartAsync();
        using var client = new RawClient(server.Host.BaseAddress, await server.UserTokenAsync("alice", "p1"));

        var malformed = await Assert.ThrowsAsync<WharfApiException>(() => client.PostRawAsync("api/jobs", "{\"items\": [", None));
        var unknownRoute = await Assert.ThrowsAsync<WharfApiException>(() => client.PostRawAsync("api/no-such-route", "{}", None));

        Assert.Equal((HttpStatusCode.BadRequest, "malformed_json"), (malformed.Status, malformed.Code));
        Assert.False(string.IsNullOrWhiteSpace(malformed.Detail));
        Assert.Equal(HttpStatusCode.NotFound, unknownRoute.Status);
        Assert.Equal("not_found", unknownRoute.Code);
    }

    [Fact]
    public async Task AnHttpClientConfiguredByTheCaller_IsUsedWithItsBaseAddressPath_AndLeftOpen()
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.Host.BaseAddress };

        using (var client = new WharfClient(http, server.AdminToken))
        {
            Assert.Equal("admin", (await client.WhoAmIAsync(None)).Role);
        }

        // The caller still owns the HttpClient after the WharfClient is gone.
        using var response = await http.GetAsync(new Uri(server.Host.BaseAddress, "healthz"));
        Assert.True(response.IsSuccessStatusCode);
    }

    [Fact]
    public async Task AnUnreachableServer_IsNotReady_AndCallsFailWithHttpRequestException()
    {
        using var client = new WharfClient(new Uri("http://127.0.0.1:1/"), "t");

        Assert.False(await client.IsReadyAsync(None));
        await Assert.ThrowsAsync<HttpRequestException>(() => client.WhoAmIAsync(None));
    }

    /// <summary>A subclass sending bodies the typed methods never would, through the protected primitive.</summary>
    private sealed class RawClient(Uri baseAddress, string token) : WharfClient(baseAddress, token)
    {
        public Task PostRawAsync(string route, string json, CancellationToken cancellationToken) =>
            SendAsync<object>(HttpMethod.Post, route, new StringContent(json, Encoding.UTF8, "application/json"), cancellationToken);
    }
}
