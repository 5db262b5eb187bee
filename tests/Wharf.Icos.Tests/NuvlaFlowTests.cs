using Wharf.Domain.Jobs;
using static Wharf.Icos.Tests.IcosServer;

namespace Wharf.Icos.Tests;

/// <summary>The Nuvla deployment manager's calls, as it makes them: string states, one manifests string, PUT ?id=, DELETE.</summary>
public sealed class NuvlaFlowTests : IAsyncLifetime
{
    private IcosServer _server = null!;

    public async Task InitializeAsync() => _server = await StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task NuvlaAgent_PullsStarting_ReportsDeployedAndDegraded_ThenDeletes()
    {
        var group = await ExpectAsync(201, _server.Alice, HttpMethod.Post, "jobmanager/groups", Descriptors.TwoComponents);
        var agent = await _server.AgentAsync("nuvla-1");

        var pulled = (await ExpectAsync(200, agent, HttpMethod.Get, "jobmanager/jobs/executable/nuvla/nuvla-1"))!.AsArray();
        var job = Assert.Single(pulled)!.AsObject();
        var id = (string)job["id"]!;
        Assert.Equal((string?)group!["jobs"]![1]!["id"], id);
        Assert.Equal(("starting", "nuvla", "nuvlabox/55c7", (string?)group["id"]), ((string)job["state"]!, (string)job["orchestrator"]!, (string)job["clustername"]!, (string)job["job_group_id"]!));
        Assert.Equal(5, (int)job["type"]!);
        Assert.Contains("kind: Pod", (string)job["manifests"]!);

        // It sends the whole object back with its state as a word; the job is now its own.
        job["state"] = "deployed";
        var deployed = await ExpectAsync(200, agent, HttpMethod.Put, $"jobmanager/jobs?id={id}&orchestrator=nuvla", job.ToJsonString());
        Assert.Equal(("deployed", "nuvla-1"), ((string)deployed!["state"]!, (string)deployed["owner_id"]!));
        Assert.Equal(3, (int)(await ExpectAsync(200, _server.Alice, HttpMethod.Get, $"jobmanager/jobs/{id}"))!["state"]!);
        Assert.Equal(JobState.Running, (await _server.RetrieveAsync(id)).Status.State);
        Assert.Empty((await ExpectAsync(200, agent, HttpMethod.Get, "jobmanager/jobs/executable/nuvla/nuvla-1"))!.AsArray());

        deployed["state"] = "degraded";
        deployed["statusfeedback"] = "container cam restarted 5 times";
        await ExpectAsync(200, agent, HttpMethod.Put, $"jobmanager/jobs?id={id}&orchestrator=nuvla", deployed.ToJsonString());
        var status = await ExpectAsync(200, _server.Alice, HttpMethod.Get, $"jobmanager/resources/status/{id}");
        var degraded = status!["conditions"]!.AsArray().Single(c => (string?)c!["type"] == "Degraded")!;
        Assert.Equal(("True", "container cam restarted 5 times"), ((string)degraded["status"]!, (string)degraded["message"]!));
        Assert.Equal(4, (int)(await ExpectAsync(200, _server.Alice, HttpMethod.Get, $"jobmanager/jobs/{id}"))!["state"]!);

        await ExpectAsync(200, agent, HttpMethod.Delete, $"jobmanager/jobs/{id}");
        await ExpectAsync(404, agent, HttpMethod.Get, $"jobmanager/jobs/{id}");
        Assert.Equal(JobState.Success, (await _server.RetrieveAsync(id)).Status.State);
    }

    [Fact]
    public async Task NuvlaAgent_PullsStopping_AfterUndeploy_AndReportsStopped()
    {
        var group = await ExpectAsync(201, _server.Alice, HttpMethod.Post, "jobmanager/groups", Descriptors.TwoComponents);
        var id = (string)group!["jobs"]![1]!["id"]!;
        var agent = await _server.AgentAsync("nuvla-1");
        await ExpectAsync(200, agent, HttpMethod.Put, $"jobmanager/jobs?id={id}&orchestrator=nuvla", new { id, state = "deployed" });

        await ExpectAsync(200, _server.Alice, HttpMethod.Put, $"jobmanager/groups/undeploy/{group["id"]}");
        var stop = (await ExpectAsync(200, agent, HttpMethod.Get, "jobmanager/jobs/executable/nuvla/nuvla-1"))!.AsArray().Single()!.AsObject();
        Assert.Equal((id, "stopping", 6), ((string)stop["id"]!, (string)stop["state"]!, (int)stop["type"]!));

        stop["state"] = "stopped";
        var stopped = await ExpectAsync(200, agent, HttpMethod.Put, $"jobmanager/jobs?id={id}&orchestrator=nuvla", stop.ToJsonString());
        Assert.Equal("stopped", (string?)stopped!["state"]);
        Assert.Equal(JobState.Success, (await _server.RetrieveAsync(id)).Status.State);
    }

    [Fact]
    public async Task OlderNuvlaAgent_UsesOrchestratorRouteAndLocker()
    {
        await ExpectAsync(201, _server.Alice, HttpMethod.Post, "jobmanager/groups", Descriptors.TwoComponents);
        var agent = await _server.AgentAsync("nuvla-1");

        var job = (await ExpectAsync(200, agent, HttpMethod.Get, "jobmanager/jobs/executable/orchestrator/nuvla"))!.AsArray().Single()!;
        var id = (string)job["ID"]!;
        Assert.Equal("nuvla", (string?)job["orchestrator"]);
        Assert.StartsWith("nuvlabox/", (string)job["targets"]![0]!["cluster_name"]!);
        Assert.Contains("kind: Pod", (string)job["manifest"]!);

        await ExpectAsync(200, agent, HttpMethod.Put, $"jobmanager/jobs/{id}", new { ID = id, uuid = id, locker = true, state = 2 });
        Assert.Equal(("nuvla-1", 2), ((string)(await ExpectAsync(200, _server.Alice, HttpMethod.Get, $"jobmanager/jobs/{id}"))!["owner_id"]!, 2));
        await ExpectAsync(200, agent, HttpMethod.Put, $"jobmanager/jobs/{id}", new { ID = id, uuid = id, locker = true, state = 3 });
        var done = await ExpectAsync(200, _server.Alice, HttpMethod.Get, $"jobmanager/jobs/{id}");
        Assert.Equal((3, "nuvla-1"), ((int)done!["state"]!, (string)done["owner_id"]!));
    }
}
