using System.Net;
using System.Text.Json;
using Wharf.Domain.Jobs;
using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests;

public sealed class JobCommandsTests
{
    [Fact]
    public async Task Terminate_EndsQueuedJobWithSuccess_AndASecondTerminateIs409()
    {
        await using var server = await WharfTestServer.StartAsync();
        var token = await server.UserTokenAsync();
        var id = (await server.CreateJobsAsync(token, JobBodies.Database()))[0];

        using (var response = await server.PostAsync("/api/jobs/terminate", token, JobBodies.Ids(id)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("""{"responses":[{}]}""", await response.Content.ReadAsStringAsync());
        }

        var job = await RetrieveAsync(server, token, id);
        Assert.Equal("SUCCESS", job.GetProperty("status").GetProperty("state").GetString());
        Assert.Equal("SUCCESS", job.GetProperty("updates")[1].GetProperty("state").GetString());

        using var again = await server.PostAsync("/api/jobs/terminate", token, JobBodies.Ids(id));
        var problem = await ProblemAssert.IsProblemAsync(again, HttpStatusCode.Conflict, "invalid_transition", "items[0]");
        Assert.Contains("SUCCESS", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Terminate_IsAllOrNothing_WhenOneJobIsMissing()
    {
        await using var server = await WharfTestServer.StartAsync();
        var token = await server.UserTokenAsync();
        var id = (await server.CreateJobsAsync(token, JobBodies.Database()))[0];

        using var response = await server.PostAsync("/api/jobs/terminate", token, JobBodies.Ids(id, "424242", "not-an-id"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, "not_found", "items[1].id", "items[2].id");
        var stored = await server.Store.Jobs.GetJobAsync(id, CancellationToken.None);
        Assert.Equal(JobState.InQueue, stored!.Status.State);
    }

    [Theory]
    [InlineData("""{"items":[]}""", "items")]
    [InlineData("""{"items":[{}]}""", "items[0].id")]
    [InlineData("""{"items":[null]}""", "items[0]")]
    [InlineData("""{"items":[{"id":"1"},{"id":"1"}]}""", "items[1].id")]
    public async Task Terminate_RefusesMalformedItems(string body, string field)
    {
        await using var server = await WharfTestServer.StartAsync();
        var token = await server.UserTokenAsync();

        using var response = await server.PostAsync("/api/jobs/terminate", token, body);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed", field);
    }

    [Fact]
    public async Task Suspend_OfQueuedJob_Is409NamingTheState()
    {
        await using var server = await WharfTestServer.StartAsync();
        var token = await server.UserTokenAsync();
        var id = (await server.CreateJobsAsync(token, JobBodies.Database()))[0];

        using var suspend = await server.PostAsync("/api/jobs/suspend", token, JobBodies.Ids(id));
        var problem = await ProblemAssert.IsProblemAsync(suspend, HttpStatusCode.Conflict, "invalid_transition", "items[0]");
        Assert.Contains("IN_QUEUE", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var unsuspend = await server.PostAsync("/api/jobs/unsuspend", token, JobBodies.Ids(id));
        await ProblemAssert.IsProblemAsync(unsuspend, HttpStatusCode.Conflict, "invalid_transition", "items[0]");
    }

    [Fact]
    public async Task SuspendAndUnsuspend_MoveARunningJob()
    {
        await using var server = await WharfTestServer.StartAsync();
        var token = await server.UserTokenAsync();
        var id = (await server.CreateJobsAsync(token, JobBodies.Database()))[0];
        await StartAsync(server, id);

        using (var suspend = await server.PostAsync("/api/jobs/suspend", token, JobBodies.Ids(id)))
        {
            Assert.Equal(HttpStatusCode.OK, suspend.StatusCode);
        }

        Assert.Equal("SUSPENDED", (await RetrieveAsync(server, token, id)).GetProperty("status").GetProperty("state").GetString());
        using (var unsuspend = await server.PostAsync("/api/jobs/unsuspend", token, JobBodies.Ids(id)))
        {
            Assert.Equal(HttpStatusCode.OK, unsuspend.StatusCode);
        }

        Assert.Equal("IN_QUEUE", (await RetrieveAsync(server, token, id)).GetProperty("status").GetProperty("state").GetString());
    }

    [Fact]
    public async Task Terminate_MovesRunningJobToCanceling()
    {
        await using var server = await WharfTestServer.StartAsync();
        var token = await server.UserTokenAsync();
        var id = (await server.CreateJobsAsync(token, JobBodies.Database()))[0];
        await StartAsync(server, id);

        using var response = await server.PostAsync("/api/jobs/terminate", token, JobBodies.Ids(id));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("CANCELING", (await RetrieveAsync(server, token, id)).GetProperty("status").GetProperty("state").GetString());
    }

    [Fact]
    public async Task Extend_GrowsTheTimeAllocation()
    {
        await using var server = await WharfTestServer.StartAsync();
        var token = await server.UserTokenAsync();
        var id = (await server.CreateJobsAsync(token, JobBodies.Database(timeAllocation: new { hours = 1, minutes = 0, seconds = 0 })))[0];

        using var response = await server.PostAsync("/api/jobs/extend", token,
            JsonSerializer.Serialize(new { items = new[] { new { jobId = id, requestedTime = new { hours = 0, minutes = 30, seconds = 0 } } } }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var allocation = (await RetrieveAsync(server, token, id)).GetProperty("status").GetProperty("timeAllocation");
        Assert.Equal(1, allocation.GetProperty("hours").GetInt64());
        Assert.Equal(30, allocation.GetProperty("minutes").GetInt64());
    }

    [Fact]
    public async Task Extend_RefusesJobsWithoutAllocation_AndBadDurations()
    {
        await using var server = await WharfTestServer.StartAsync();
        var token = await server.UserTokenAsync();
        var id = (await server.CreateJobsAsync(token, JobBodies.Database()))[0];

        using var noAllocation = await server.PostAsync("/api/jobs/extend", token,
            JsonSerializer.Serialize(new { items = new[] { new { jobId = id, requestedTime = new { hours = 1, minutes = 0, seconds = 0 } } } }));
        await ProblemAssert.IsProblemAsync(noAllocation, HttpStatusCode.Conflict, "invalid_transition", "items[0]");

        using var negative = await server.PostAsync("/api/jobs/extend", token,
            JsonSerializer.Serialize(new { items = new[] { new { jobId = id, requestedTime = new { hours = -1, minutes = 0, seconds = 0 } } } }));
        await ProblemAssert.IsProblemAsync(negative, HttpStatusCode.BadRequest, "validation_failed", "items[0].requestedTime");

        using var missing = await server.PostAsync("/api/jobs/extend", token, $$"""{"items":[{"jobId":"{{id}}"}]}""");
        await ProblemAssert.IsProblemAsync(missing, HttpStatusCode.BadRequest, "validation_failed", "items[0].requestedTime");

        using var huge = await server.PostAsync("/api/jobs/extend", token,
            $$$"""{"items":[{"jobId":"{{{id}}}","requestedTime":{"hours":9223372036854775807,"minutes":0,"seconds":0}}]}""");
        await ProblemAssert.IsProblemAsync(huge, HttpStatusCode.BadRequest, "validation_failed", "items[0].requestedTime");
    }

    private static async Task StartAsync(WharfTestServer server, string id)
    {
        // The scheduler and agents are not part of this server yet; move the job as an agent's report would.
        var job = await server.Store.Jobs.GetJobAsync(id, CancellationToken.None);
        Assert.True(await server.Store.Jobs.TrySaveAsync(job!.Apply(JobTransitions.Start, DateTimeOffset.UtcNow), CancellationToken.None));
    }

    private static async Task<JsonElement> RetrieveAsync(WharfTestServer server, string token, string id)
    {
        using var response = await server.GetAsync($"/api/jobs/retrieve?id={id}", token);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
