using Wharf.Domain.Jobs;
using static Wharf.Icos.Tests.IcosServer;

namespace Wharf.Icos.Tests;

/// <summary>An ICOS (OCM-style) agent against a real server: pull, promote under a race, report, remediate.</summary>
public sealed class AgentFlowTests : IAsyncLifetime
{
    private IcosServer _server = null!;

    public async Task InitializeAsync() => _server = await StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Descriptor_BecomesGroupWithOneCreatedJobPerComponent()
    {
        var group = await ExpectAsync(201, _server.Alice, HttpMethod.Post, "jobmanager/groups", Descriptors.TwoComponents, "application/x-yaml");

        Assert.True(Guid.TryParseExact((string)group!["id"]!, "D", out _), group.ToJsonString());
        Assert.Equal("video-app", (string?)group["appName"]);
        Assert.Equal("a streamer and a camera", (string?)group["appDescription"]);
        var jobs = group["jobs"]!.AsArray();
        Assert.Equal(2, jobs.Count);
        Assert.All(jobs, j => Assert.Equal((5, 1, ""), ((int)j!["type"]!, (int)j["state"]!, (string)j["owner_id"]!)));
        Assert.Equal("ocm", (string?)jobs[0]!["orchestrator"]);
        Assert.Equal("demo", (string?)jobs[0]!["namespace"]);
        Assert.Contains("kind: Deployment", (string)jobs[0]!["manifests"]![0]!["yamlString"]!);
        Assert.Equal((string?)group["id"], (string?)jobs[1]!["job_group_id"]);

        var listed = await ExpectAsync(200, _server.Alice, HttpMethod.Get, "jobmanager/groups");
        Assert.Equal((string?)group["id"], (string?)listed!.AsArray().Single()!["id"]);
        var native = await _server.RetrieveAsync((string)jobs[0]!["id"]!);
        Assert.Equal(JobState.InQueue, native.Status.State);
    }

    [Fact]
    public async Task Agents_PullPromoteAndReport_OneWinsTheRace()
    {
        var group = await ExpectAsync(201, _server.Alice, HttpMethod.Post, "jobmanager/groups", Descriptors.TwoComponents);
        var one = await _server.AgentAsync("ocm-1");
        var two = await _server.AgentAsync("ocm-2");

        var executable = (await ExpectAsync(200, one, HttpMethod.Get, "jobmanager/jobs/executable/ocm/ocm-1"))!.AsArray();
        var job = Assert.Single(executable)!; // the nuvla component is not OCM's
        var id = (string)job["id"]!;
        Assert.Equal((string?)group!["jobs"]![0]!["id"], id);

        // Both agents promote at once: exactly one wins.
        var promotes = await Task.WhenAll(
            SendAsync(one, HttpMethod.Patch, $"jobmanager/jobs/promote/{id}", new { owner_id = "ocm-1" }),
            SendAsync(two, HttpMethod.Patch, $"jobmanager/jobs/promote/{id}", new { owner_id = "ocm-2" }));
        Assert.Equal([204, 409], promotes.Select(p => p.Status).Order());
        var (winner, name) = promotes[0].Status == 204 ? (one, "ocm-1") : (two, "ocm-2");
        var loser = winner == one ? two : one;
        Assert.Empty((await ExpectAsync(200, loser, HttpMethod.Get, $"jobmanager/jobs/executable/ocm/{(loser == one ? "ocm-1" : "ocm-2")}"))!.AsArray());

        var progressing = await ExpectAsync(200, winner, HttpMethod.Get, $"jobmanager/jobs/{id}");
        Assert.Equal((2, name), ((int)progressing!["state"]!, (string)progressing["owner_id"]!));
        Assert.Equal(JobState.Running, (await _server.RetrieveAsync(id)).Status.State);

        // The winner applies it and reports Finished, then the resource's conditions.
        progressing["state"] = 3;
        var finished = await ExpectAsync(200, winner, HttpMethod.Put, "jobmanager/jobs", progressing.ToJsonString());
        Assert.Equal(3, (int)finished!["state"]!);
        await ExpectAsync(409, loser, HttpMethod.Put, "jobmanager/jobs", new { id, state = 4 });
        await ExpectAsync(200, winner, HttpMethod.Put, "jobmanager/resources/status", new
        {
            job_id = id,
            resource_uuid = "6a1c0c53-0000-4000-8000-000000000001",
            resource_name = "streamer",
            conditions = new[]
            {
                new { type = "Available", status = "True", reason = "MinimumReplicasAvailable", message = "1/1 ready", observedGeneration = 3 },
                new { type = "Progressing", status = "True", reason = "NewReplicaSetAvailable", message = "rolled out", observedGeneration = 3 },
            },
        });

        var status = await ExpectAsync(200, _server.Alice, HttpMethod.Get, $"jobmanager/resources/status/{id}");
        Assert.Equal("6a1c0c53-0000-4000-8000-000000000001", (string?)status!["resource_uuid"]);
        var conditions = status["conditions"]!.AsArray();
        Assert.Equal("1/1 ready", (string?)conditions.Single(c => (string?)c!["type"] == "Available")!["message"]);
        Assert.Equal(3, (int)conditions.Single(c => (string?)c!["type"] == "Progressing")!["observedGeneration"]!);
        var native = await _server.RetrieveAsync(id);
        Assert.Contains(native.Status.Conditions!, c => c is { Type: "Available", Status: "True" });
        Assert.Empty((await ExpectAsync(200, winner, HttpMethod.Get, $"jobmanager/jobs/executable/ocm/{name}"))!.AsArray());
    }

    [Fact]
    public async Task ScaleOut_RaisesReplicas_AndTheOwnerPullsAnUpdate()
    {
        var group = await ExpectAsync(201, _server.Alice, HttpMethod.Post, "jobmanager/groups", Descriptors.TwoComponents);
        var id = (string)group!["jobs"]![0]!["id"]!;
        var agent = await _server.AgentAsync("ocm-1");
        await ExpectAsync(204, agent, HttpMethod.Patch, $"jobmanager/jobs/promote/{id}", new { owner_id = "ocm-1" });
        await ExpectAsync(200, agent, HttpMethod.Put, "jobmanager/jobs", new { id, state = 3 });

        var answer = await ExpectAsync(200, _server.Alice, HttpMethod.Post, "jobmanager/policies/incompliance", new
        {
            policyName = "cpu-usage",
            policyId = "p-1",
            currentValue = "0.93",
            threshold = "0.8",
            subject = new { resourceId = id, appName = "video-app", appComponent = "streamer" },
            remediation = "scale-out",
        });
        Assert.Equal("scale-out", (string?)answer!["remediation"]);

        var job = await ExpectAsync(200, _server.Alice, HttpMethod.Get, $"jobmanager/jobs/{id}");
        Assert.Equal((2, 7, 1, "scale-out"), ((int)job!["replicas"]!, (int)job["type"]!, (int)job["state"]!, (string)job["sub_type"]!));
        Assert.Contains("replicas: 2", (string)job["manifests"]![0]!["yamlString"]!);
        Assert.Equal(2, (await _server.RetrieveAsync(id)).Status.Replicas);
        var pulled = (await ExpectAsync(200, agent, HttpMethod.Get, "jobmanager/jobs/executable/ocm/ocm-1"))!.AsArray();
        Assert.Equal((id, 7), ((string)pulled.Single()!["id"]!, (int)pulled.Single()!["type"]!));

        // Scale-up doubles the containers' resources the same way.
        await ExpectAsync(200, _server.Alice, HttpMethod.Post, "jobmanager/policies/incompliance", new { subject = new { resourceId = id }, remediation = "scale-up" });
        var bigger = (string)(await ExpectAsync(200, _server.Alice, HttpMethod.Get, $"jobmanager/jobs/{id}"))!["manifests"]![0]!["yamlString"]!;
        Assert.Contains("cpu: 1000m", bigger);
        Assert.Contains("memory: 1024Mi", bigger);
    }

    [Fact]
    public async Task Undeploy_GivesTheOwnerADelete_AndEndsUnownedJobs()
    {
        var group = await ExpectAsync(201, _server.Alice, HttpMethod.Post, "jobmanager/groups", Descriptors.TwoComponents);
        var (gid, owned, unowned) = ((string)group!["id"]!, (string)group["jobs"]![0]!["id"]!, (string)group["jobs"]![1]!["id"]!);
        var agent = await _server.AgentAsync("ocm-1");
        await ExpectAsync(204, agent, HttpMethod.Patch, $"jobmanager/jobs/promote/{owned}", new { owner_id = "ocm-1" });
        await ExpectAsync(200, agent, HttpMethod.Put, "jobmanager/jobs", new { id = owned, state = 3 });

        await ExpectAsync(200, _server.Alice, HttpMethod.Put, $"jobmanager/groups/undeploy/{gid}");

        Assert.Equal(JobState.Success, (await _server.RetrieveAsync(unowned)).Status.State);
        var delete = (await ExpectAsync(200, agent, HttpMethod.Get, "jobmanager/jobs/executable/ocm/ocm-1"))!.AsArray().Single()!;
        Assert.Equal((owned, 6, 1), ((string)delete["id"]!, (int)delete["type"]!, (int)delete["state"]!));
        Assert.Equal(JobState.Canceling, (await _server.RetrieveAsync(owned)).Status.State);
        await ExpectAsync(204, agent, HttpMethod.Patch, $"jobmanager/jobs/promote/{owned}", new { owner_id = "ocm-1" });
        await ExpectAsync(200, agent, HttpMethod.Put, "jobmanager/jobs", new { id = owned, state = 3 });
        Assert.Equal(JobState.Success, (await _server.RetrieveAsync(owned)).Status.State);
        Assert.Empty((await ExpectAsync(200, agent, HttpMethod.Get, "jobmanager/jobs/executable/ocm/ocm-1"))!.AsArray());
    }
}
