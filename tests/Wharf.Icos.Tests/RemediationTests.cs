using Wharf.Domain.Jobs;
using static Wharf.Icos.Tests.IcosServer;

namespace Wharf.Icos.Tests;

/// <summary>Patch and reallocation remediations, and bad input answered with a 4xx naming the fault.</summary>
public sealed class RemediationTests : IAsyncLifetime
{
    private IcosServer _server = null!;
    private HttpClient _agent = null!;
    private string _id = "";

    public async Task InitializeAsync()
    {
        _server = await StartAsync();
        var group = await ExpectAsync(201, _server.Alice, HttpMethod.Post, "jobmanager/groups", Descriptors.TwoComponents);
        _id = (string)group!["jobs"]![0]!["id"]!;
        _agent = await _server.AgentAsync("ocm-1");
        await ExpectAsync(204, _agent, HttpMethod.Patch, $"jobmanager/jobs/promote/{_id}", new { owner_id = "ocm-1" });
        await ExpectAsync(200, _agent, HttpMethod.Put, "jobmanager/jobs", new { id = _id, state = 3 });
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Patch_MergesIntoTheNamedManifest()
    {
        await ExpectAsync(200, _server.Alice, HttpMethod.Post, "jobmanager/policies/incompliance", new
        {
            subject = new { resourceId = _id },
            remediation = "patch",
            patch = "kind: Deployment\nmetadata:\n  name: streamer\n  labels: {tier: gold}\n",
        });

        var job = await ExpectAsync(200, _agent, HttpMethod.Get, $"jobmanager/jobs/{_id}");
        Assert.Equal((7, "patch"), ((int)job!["type"]!, (string)job["sub_type"]!));
        var yaml = (string)job["manifests"]![0]!["yamlString"]!;
        Assert.Contains("tier: gold", yaml);
        Assert.Contains("namespace: demo", yaml);
        await ExpectAsync(422, _server.Alice, HttpMethod.Post, "jobmanager/policies/incompliance", new
        {
            subject = new { resourceId = _id },
            remediation = "patch",
            patch = new { kind = "Service", metadata = new { name = "nope" } },
        });
    }

    [Fact]
    public async Task Reallocation_FreesTheJobForAnotherAgent()
    {
        await ExpectAsync(200, _server.Alice, HttpMethod.Post, "jobmanager/policies/incompliance", new
        {
            subject = new { resourceId = "unused", appName = "video-app", appComponent = "streamer" },
            remediation = "reallocation",
        });

        Assert.Equal(JobState.InQueue, (await _server.RetrieveAsync(_id)).Status.State);
        var other = await _server.AgentAsync("ocm-2");
        var pulled = (await ExpectAsync(200, other, HttpMethod.Get, "jobmanager/jobs/executable/ocm/ocm-2"))!.AsArray().Single()!;
        Assert.Equal((_id, 5, "", "reallocation"), ((string)pulled["id"]!, (int)pulled["type"]!, (string)pulled["owner_id"]!, (string)pulled["sub_type"]!));
        await ExpectAsync(204, other, HttpMethod.Patch, $"jobmanager/jobs/promote/{_id}", new { owner_id = "ocm-2" });
    }

    [Fact]
    public async Task BadInput_Is4xxNamingTheFault()
    {
        var problem = await ExpectAsync(422, _server.Alice, HttpMethod.Post, "jobmanager/policies/incompliance", new { subject = new { resourceId = _id }, remediation = "scale-sideways" });
        Assert.Equal("remediation", (string?)problem!["errors"]![0]!["field"]);
        problem = await ExpectAsync(400, _agent, HttpMethod.Put, "jobmanager/jobs", new { id = _id, state = "exploded" });
        Assert.Equal("state", (string?)problem!["errors"]![0]!["field"]);
        await ExpectAsync(400, _agent, HttpMethod.Put, "jobmanager/jobs", "{not json");
        await ExpectAsync(400, _agent, HttpMethod.Put, "jobmanager/jobs", new { state = 3 });
        await ExpectAsync(404, _agent, HttpMethod.Get, "jobmanager/jobs/not-a-job");
        await ExpectAsync(404, _agent, HttpMethod.Get, "jobmanager/groups/not-a-uuid");
        await ExpectAsync(409, _server.Alice, HttpMethod.Post, "jobmanager/policies/incompliance", new { subject = new { resourceId = _id }, remediation = "scale-in" });
    }
}
