using System.Net;
using System.Text.Json;
using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests;

public sealed class DuplicateAndIdempotencyTests
{
    [Fact]
    public async Task AllowDuplicateJobFalse_RefusesAnEqualActiveJob_TrueAcceptsIt()
    {
        await using var server = await WharfTestServer.StartAsync();
        var token = await server.UserTokenAsync();
        var first = (await server.CreateJobsAsync(token, JobBodies.Database()))[0];

        using (var refused = await server.PostAsync("/api/jobs", token, JobBodies.Database(name: "another-name")))
        {
            var problem = await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Conflict, "duplicate_job", "items[0]");
            Assert.Contains(first, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(1, await server.CountJobsAsync());
        await server.CreateJobsAsync(token, JobBodies.Database(allowDuplicate: true));
        Assert.Equal(2, await server.CountJobsAsync());
    }

    [Fact]
    public async Task DuplicateWithinOneRequest_RefusesTheWholeRequest()
    {
        await using var server = await WharfTestServer.StartAsync();
        var token = await server.UserTokenAsync();

        using var response = await server.PostAsync("/api/jobs", token, JobBodies.Bulk(JobBodies.DatabaseItem("a"), JobBodies.DatabaseItem("b")));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Conflict, "duplicate_job", "items[1]");
        Assert.Equal(0, await server.CountJobsAsync());
    }

    [Fact]
    public async Task IdempotencyKey_ReplaysTheSameIds_AndRefusesAnotherBody()
    {
        await using var server = await WharfTestServer.StartAsync();
        var token = await server.UserTokenAsync();
        KeyValuePair<string, string>[] key = [new("Idempotency-Key", "create-42")];
        var body = JobBodies.Bulk(JobBodies.DatabaseItem("a", path: "/a"), JobBodies.DatabaseItem("b", path: "/b"));

        var first = await server.CreateJobsAsync(token, body, key);
        var replay = await server.CreateJobsAsync(token, body, key);

        Assert.Equal(first, replay);
        Assert.Equal(2, await server.CountJobsAsync());

        using var conflict = await server.PostAsync("/api/jobs", token, JobBodies.Database(path: "/c"), key);
        await ProblemAssert.IsProblemAsync(conflict, HttpStatusCode.Conflict, "idempotency_conflict", "Idempotency-Key");
        Assert.Equal(2, await server.CountJobsAsync());
    }

    [Fact]
    public async Task IdempotencyKey_ThatIsNotPrintableAscii_IsRefused()
    {
        await using var server = await WharfTestServer.StartAsync();
        var token = await server.UserTokenAsync();

        using var response = await server.PostAsync("/api/jobs", token, JobBodies.Database(), [new("Idempotency-Key", new string('k', 300))]);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed", "Idempotency-Key");
        Assert.Equal(0, await server.CountJobsAsync());
    }

    [Fact]
    public async Task Create_UsesTheApplicationsQueue_UnlessTheJobNamesOne()
    {
        await using var server = await WharfTestServer.StartAsync();
        var token = await server.UserTokenAsync();
        var item = new Dictionary<string, object?>
        {
            ["application"] = new { name = "calculator", version = "2.0" },
            ["product"] = JobBodies.Product,
            ["parameters"] = new { iterations = new { type = "integer", value = 10 } },
        };
        var named = new Dictionary<string, object?>(item) { ["queue"] = "urgent", ["allowDuplicateJob"] = true };

        var ids = await server.CreateJobsAsync(token, JobBodies.Bulk(item, named));

        var jobs = await server.Store.Jobs.GetJobsAsync(ids, CancellationToken.None);
        Assert.Equal("batch", jobs.Single(j => j.Id == ids[0]).Status.Queue);
        Assert.Equal("urgent", jobs.Single(j => j.Id == ids[1]).Status.Queue);
        using var response = await server.GetAsync($"/api/jobs/retrieve?id={ids[0]}", token);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("alice", document.RootElement.GetProperty("owner").GetProperty("createdBy").GetString());
    }
}
