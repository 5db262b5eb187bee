using static Wharf.Icos.Tests.IcosServer;

namespace Wharf.Icos.Tests;

/// <summary>The 300 s lease on a job being created, and a group re-submit reaching the agents that own its jobs.</summary>
public sealed class LeaseAndResubmitTests : IAsyncLifetime
{
    private readonly ShiftedTime _time = new();
    private IcosServer _server = null!;

    public async Task InitializeAsync() => _server = await StartAsync(_time);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task AgentSilentFor300Seconds_LosesTheJobToAnother()
    {
        var group = await ExpectAsync(201, _server.Alice, HttpMethod.Post, "jobmanager/groups", Descriptors.TwoComponents);
        var id = (string)group!["jobs"]![0]!["id"]!;
        var one = await _server.AgentAsync("ocm-1");
        var two = await _server.AgentAsync("ocm-2");
        await ExpectAsync(204, one, HttpMethod.Patch, $"jobmanager/jobs/promote/{id}", new { owner_id = "ocm-1" });

        _time.Offset = TimeSpan.FromSeconds(299);
        Assert.Empty((await ExpectAsync(200, two, HttpMethod.Get, "jobmanager/jobs/executable/ocm/ocm-2"))!.AsArray());
        await ExpectAsync(409, two, HttpMethod.Patch, $"jobmanager/jobs/promote/{id}", new { owner_id = "ocm-2" });

        _time.Offset = TimeSpan.FromSeconds(301);
        var pulled = (await ExpectAsync(200, two, HttpMethod.Get, "jobmanager/jobs/executable/ocm/ocm-2"))!.AsArray();
        Assert.Equal(id, (string?)pulled.Single()!["id"]);
        await ExpectAsync(204, two, HttpMethod.Patch, $"jobmanager/jobs/promote/{id}", new { owner_id = "ocm-2" });
        Assert.Equal("ocm-2", (string?)(await ExpectAsync(200, _server.Alice, HttpMethod.Get, $"jobmanager/jobs/{id}"))!["owner_id"]);
        await ExpectAsync(409, one, HttpMethod.Put, "jobmanager/jobs", new { id, state = 3 });
    }

    [Fact]
    public async Task Resubmit_GivesOwnedJobsAReplace_WithTheNewManifests()
    {
        var group = await ExpectAsync(201, _server.Alice, HttpMethod.Post, "jobmanager/groups", Descriptors.TwoComponents);
        var id = (string)group!["jobs"]![0]!["id"]!;
        var agent = await _server.AgentAsync("ocm-1");
        await ExpectAsync(204, agent, HttpMethod.Patch, $"jobmanager/jobs/promote/{id}", new { owner_id = "ocm-1" });
        await ExpectAsync(200, agent, HttpMethod.Put, "jobmanager/jobs", new { id, state = 3 });

        group["jobs"]![0]!["manifests"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["yamlString"] = "kind: Deployment\nmetadata: {name: streamer}\nspec: {replicas: 3}\n" });
        var resubmitted = await ExpectAsync(200, _server.Alice, HttpMethod.Put, "jobmanager/groups", group.ToJsonString());
        Assert.Equal((8, 1), ((int)resubmitted!["jobs"]![0]!["type"]!, (int)resubmitted["jobs"]![0]!["state"]!));
        Assert.Equal((5, 1), ((int)resubmitted["jobs"]![1]!["type"]!, (int)resubmitted["jobs"]![1]!["state"]!));

        var pulled = (await ExpectAsync(200, agent, HttpMethod.Get, "jobmanager/jobs/executable/ocm/ocm-1"))!.AsArray().Single()!;
        Assert.Equal((id, 8), ((string)pulled["id"]!, (int)pulled["type"]!));
        Assert.Contains("replicas: 3", (string)pulled["manifests"]![0]!["yamlString"]!);
    }
}
