using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Wharf.Domain.Agents;
using Wharf.Domain.Jobs;
using Wharf.Execution.Tests.Infrastructure;
using static Wharf.Execution.Tests.Infrastructure.TestAgent;

namespace Wharf.Execution.Tests;

/// <summary>Job groups from compose files as the scheduler treats them: start order by depends_on conditions, peers by service name.</summary>
public sealed class GroupSchedulingTests : IAsyncLifetime
{
    private ExecutionServer _server = null!;

    public async Task InitializeAsync() => _server = await ExecutionServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private const string Compose = """
        name: shop
        services:
          db:
            x-wharf: {command: ["db"]}
            ports: ["5432"]
            healthcheck: {test: ["CMD", "true"], interval: 1s, retries: 2}
          migrate:
            x-wharf: {command: ["migrate"]}
            depends_on: {db: {condition: service_healthy}}
          web:
            x-wharf: {command: ["web"]}
            ports: ["80"]
            depends_on:
              db: {condition: service_healthy}
              migrate: {condition: service_completed_successfully}
        """;

    private async Task<Dictionary<string, string>> CreateGroupAsync(string manifest)
    {
        using var response = await _server.User.PostAsJsonAsync("api/groups", new { kind = "compose", manifest });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("components").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("jobId").GetString()!);
    }

    [Fact]
    public async Task ServicesStart_OnlyWhenTheirDependenciesMeetTheirConditions_AndReachPeersByServiceName()
    {
        await using var agent = await TestAgent.StartAsync(_server, cpu: 8);
        var jobs = await CreateGroupAsync(Compose);

        var db = await agent.StartOfAsync(jobs["db"]);
        Assert.Equal(["db"], db.Command);
        await agent.ReportOkAsync(Started(jobs["db"], address: "10.9.0.1", port: 5432));
        var waiting = await _server.WaitForAsync(jobs["migrate"], j => j.Status.Reason?.Contains("healthy", StringComparison.Ordinal) == true, "waiting for db's health");
        Assert.Contains($"dependency job {jobs["db"]} is not healthy yet", waiting.Status.Reason, StringComparison.Ordinal);

        await agent.ReportOkAsync(Event(jobs["db"], TaskEventKind.Healthy));
        var migrate = await agent.StartOfAsync(jobs["migrate"]);
        Assert.Equal("db", Assert.Single(migrate.Peers).Hostname);
        await agent.ReportOkAsync(Started(jobs["migrate"]));
        var web = await _server.WaitForAsync(jobs["web"], j => j.Status.Reason?.Contains("completed", StringComparison.Ordinal) == true, "waiting for migrate");
        Assert.Equal(JobState.InQueue, web.Status.State);

        await agent.ReportOkAsync(Exited(jobs["migrate"], 0));
        var start = await agent.StartOfAsync(jobs["web"]);
        var peer = Assert.Single(start.Peers);
        Assert.Equal(("db", jobs["db"], "10.9.0.1"), (peer.Hostname, peer.JobId, peer.Address));
    }

    [Fact]
    public async Task AServiceWhoseDependencyFails_FailsWithTheReason_InsteadOfWaitingForever()
    {
        await using var agent = await TestAgent.StartAsync(_server, cpu: 8);
        var jobs = await CreateGroupAsync(Compose);
        await agent.StartOfAsync(jobs["db"]);
        await agent.ReportOkAsync(Started(jobs["db"]), Event(jobs["db"], TaskEventKind.Healthy));
        await agent.StartOfAsync(jobs["migrate"]);

        await agent.ReportOkAsync(Started(jobs["migrate"]), Exited(jobs["migrate"], 3));

        var web = await _server.WaitForStateAsync(jobs["web"], JobState.Failure);
        Assert.Contains($"dependency job {jobs["migrate"]} is FAILURE", web.Status.Reason, StringComparison.Ordinal);
        using var group = await _server.User.GetAsync($"api/groups/{web.Specification.Group!.GroupId}");
        Assert.Equal("DEGRADED", JsonDocument.Parse(await group.Content.ReadAsStringAsync()).RootElement.GetProperty("state").GetString());
    }

    [Fact]
    public async Task DeletingAGroup_TerminatesEveryJob_AndAnotherProjectCannotSeeIt()
    {
        await using var agent = await TestAgent.StartAsync(_server, cpu: 8);
        var jobs = await CreateGroupAsync(Compose);
        await agent.StartOfAsync(jobs["db"]);
        await agent.ReportOkAsync(Started(jobs["db"]));
        var groupId = (await _server.RetrieveAsync(jobs["db"])).Specification.Group!.GroupId;

        using var hidden = await _server.OtherUser.DeleteAsync($"api/groups/{groupId}");
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        using var deleted = await _server.User.DeleteAsync($"api/groups/{groupId}");
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);

        await agent.StopOfAsync(jobs["db"]);
        Assert.Equal(JobState.Success, (await _server.WaitForStateAsync(jobs["web"], JobState.Success)).Status.State);
        using var gone = await _server.User.GetAsync($"api/groups/{groupId}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task AnUpdate_RenewsOnlyTheChangedService_AndKeepsTheOthersRunning()
    {
        await using var agent = await TestAgent.StartAsync(_server, cpu: 8);
        const string First = """
            name: pair
            services:
              db: {x-wharf: {command: ["db"]}}
              web: {x-wharf: {command: ["web", "v1"]}, depends_on: [db]}
            """;
        var jobs = await CreateGroupAsync(First);
        await agent.StartOfAsync(jobs["db"]);
        await agent.ReportOkAsync(Started(jobs["db"]));
        await agent.StartOfAsync(jobs["web"]);
        await agent.ReportOkAsync(Started(jobs["web"]));
        var groupId = (await _server.RetrieveAsync(jobs["db"])).Specification.Group!.GroupId;

        using var response = await _server.User.PutAsJsonAsync($"api/groups/{groupId}", new { kind = "compose", manifest = First.Replace("v1", "v2", StringComparison.Ordinal) });
        var updated = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var after = updated.GetProperty("components").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("jobId").GetString()!);
        Assert.Equal(jobs["db"], after["db"]);
        Assert.NotEqual(jobs["web"], after["web"]);
        Assert.Equal(2, updated.GetProperty("generation").GetInt64());
        await agent.StopOfAsync(jobs["web"]);
        var renewed = await agent.StartOfAsync(after["web"]);
        Assert.Equal(["web", "v2"], renewed.Command);
    }

    [Fact]
    public async Task ACreate_AnswersWithTheManifestsWarnings_NamingFieldAndLine_AndAGetHasNone()
    {
        using var response = await _server.User.PostAsJsonAsync("api/groups", new
        {
            kind = "compose",
            manifest = "name: warned\nservices:\n  web:\n    x-wharf: {command: [web, \"${NOT_SET}\"]}\n",
        });
        var created = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var warning = Assert.Single(created.GetProperty("warnings").EnumerateArray().ToList());
        Assert.Equal("unset_variable", warning.GetProperty("code").GetString());
        Assert.Contains("web", warning.GetProperty("field").GetString(), StringComparison.Ordinal);
        Assert.Equal(4, warning.GetProperty("line").GetInt32());
        using var get = await _server.User.GetAsync($"api/groups/{created.GetProperty("id").GetString()}");
        Assert.False(JsonDocument.Parse(await get.Content.ReadAsStringAsync()).RootElement.TryGetProperty("warnings", out _));
    }

    [Fact]
    public async Task ABadManifest_IsRefusedWithEveryFaultNamed_AndCreatesNothing()
    {
        using var response = await _server.User.PostAsJsonAsync("api/groups", new
        {
            kind = "compose",
            manifest = "name: bad\nservices:\n  web:\n    x-wharf: {command: [web]}\n    depends_on: [nosuch]\n    deploy: {replicas: -1}\n",
        });
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var fields = problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ToList();
        Assert.Contains(fields, f => f!.Contains("depends_on", StringComparison.Ordinal));
        Assert.Contains(fields, f => f!.Contains("replicas", StringComparison.Ordinal));
        using var list = await _server.User.GetAsync("api/groups");
        Assert.Equal(0, JsonDocument.Parse(await list.Content.ReadAsStringAsync()).RootElement.GetArrayLength());
    }
}
