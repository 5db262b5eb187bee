using static Wharf.Icos.Tests.IcosServer;

namespace Wharf.Icos.Tests;

/// <summary>Who may do what at the door, unlike the original job manager, which only logs the token's claims.</summary>
public sealed class AuthorizationTests : IAsyncLifetime
{
    private IcosServer _server = null!;

    public async Task InitializeAsync() => _server = await StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task AgentAskingForAnotherAgentsWork_IsForbidden()
    {
        await ExpectAsync(201, _server.Alice, HttpMethod.Post, "jobmanager/groups", Descriptors.TwoComponents);
        var agent = await _server.AgentAsync("ocm-1");

        await ExpectAsync(403, agent, HttpMethod.Get, "jobmanager/jobs/executable/ocm/ocm-2");
        var group = await ExpectAsync(200, _server.Alice, HttpMethod.Get, "jobmanager/groups");
        var id = (string)group!.AsArray()[0]!["jobs"]![0]!["id"]!;
        await ExpectAsync(403, agent, HttpMethod.Patch, $"jobmanager/jobs/promote/{id}", new { owner_id = "ocm-2" });
        await ExpectAsync(400, agent, HttpMethod.Get, "jobmanager/jobs/executable/kubernetes/ocm-1");
    }

    [Fact]
    public async Task AnotherProjectsGroupsAndJobs_AreInvisible()
    {
        var group = await ExpectAsync(201, _server.Alice, HttpMethod.Post, "jobmanager/groups", Descriptors.TwoComponents);
        var id = (string)group!["jobs"]![0]!["id"]!;

        Assert.Empty((await ExpectAsync(200, _server.Bob, HttpMethod.Get, "jobmanager/jobs"))!.AsArray());
        Assert.Empty((await ExpectAsync(200, _server.Bob, HttpMethod.Get, "jobmanager/groups"))!.AsArray());
        Assert.Empty((await ExpectAsync(200, _server.Bob, HttpMethod.Get, "jobmanager/jobs/executable/ocm/bob"))!.AsArray());
        await ExpectAsync(404, _server.Bob, HttpMethod.Get, $"jobmanager/jobs/{id}");
        await ExpectAsync(404, _server.Bob, HttpMethod.Get, $"jobmanager/groups/{group["id"]}");
        await ExpectAsync(404, _server.Bob, HttpMethod.Patch, $"jobmanager/jobs/promote/{id}", new { owner_id = "bob" });
        await ExpectAsync(404, _server.Bob, HttpMethod.Post, "jobmanager/policies/incompliance", new { subject = new { resourceId = id }, remediation = "scale-out" });
        Assert.Equal(2, (await ExpectAsync(200, _server.Alice, HttpMethod.Get, "jobmanager/jobs"))!.AsArray().Count);
    }

    [Fact]
    public async Task Tokens_AreChecked_AndTheTokenEndpointRefusesBadCredentials()
    {
        using var anonymous = new HttpClient { BaseAddress = _server.Host.BaseAddress };
        await ExpectAsync(200, anonymous, HttpMethod.Get, "jobmanager/healthz");
        await ExpectAsync(401, anonymous, HttpMethod.Get, "jobmanager/jobs");
        using var forged = new HttpClient { BaseAddress = _server.Host.BaseAddress };
        forged.DefaultRequestHeaders.Authorization = new("Bearer", "wharf_not-a-real-token");
        await ExpectAsync(401, forged, HttpMethod.Get, "jobmanager/jobs/executable/nuvla/nuvla-1");

        var form = "client_id=ocm-2&client_secret=" + Uri.EscapeDataString(_server.Secrets["ocm-1"]) + "&grant_type=client_credentials";
        var refused = await ExpectAsync(401, anonymous, HttpMethod.Post, "realms/icos/protocol/openid-connect/token", form, "application/x-www-form-urlencoded");
        Assert.Equal("invalid_client", (string?)refused!["error"]);
    }

    [Fact]
    public async Task OpenApiDocument_ListsTheDoorsRoutes()
    {
        using var anonymous = new HttpClient { BaseAddress = _server.Host.BaseAddress };
        var document = await ExpectAsync(200, anonymous, HttpMethod.Get, "openapi/v1.json");

        var paths = document!["paths"]!.AsObject();
        Assert.Contains("/jobmanager/groups", paths.Select(p => p.Key));
        Assert.Contains("/jobmanager/jobs/executable/{orchestrator}/{owner_id}", paths.Select(p => p.Key));
    }

    [Fact]
    public async Task MalformedDescriptor_Is422NamingFieldAndLine()
    {
        const string Bad = """
            name: broken
            components:
              - name: web
                manifests:
                  - name: missing
                requirements:
                  cpu: lots
            manifests: []
            """;
        var problem = await ExpectAsync(422, _server.Alice, HttpMethod.Post, "jobmanager/groups", Bad);

        var errors = problem!["errors"]!.AsArray();
        var cpu = errors.Single(e => (string?)e!["field"] == "components[0].requirements.cpu")!;
        Assert.Contains("line 7", (string)cpu["message"]!);
        Assert.Contains(errors, e => (string?)e!["field"] == "components[0].manifests[0].name");
        Assert.Empty((await ExpectAsync(200, _server.Alice, HttpMethod.Get, "jobmanager/groups"))!.AsArray());
    }
}
