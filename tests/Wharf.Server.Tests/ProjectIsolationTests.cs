using System.Net;
using System.Text.Json;
using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests;

/// <summary>One project cannot see, change or peer with another project's jobs; their jobs answer like missing ones.</summary>
public sealed class ProjectIsolationTests
{
    [Fact]
    public async Task OtherProject_CannotRetrieveBrowseTerminateOrPeer()
    {
        await using var server = await WharfTestServer.StartAsync();
        var alice = await server.UserTokenAsync("alice", "project-a");
        var bob = await server.UserTokenAsync("bob", "project-b");
        var job = (await server.CreateJobsAsync(alice, JobBodies.Database()))[0];

        using var retrieve = await server.GetAsync($"/api/jobs/retrieve?id={job}", bob);
        var hidden = await ProblemAssert.IsProblemAsync(retrieve, HttpStatusCode.NotFound, "not_found", "id");
        using var missing = await server.GetAsync("/api/jobs/retrieve?id=987654", bob);
        var absent = await ProblemAssert.IsProblemAsync(missing, HttpStatusCode.NotFound, "not_found", "id");
        Assert.Equal(absent.GetProperty("title").GetString(), hidden.GetProperty("title").GetString());
        Assert.Equal(absent.GetProperty("detail").GetString()!.Replace("987654", job, StringComparison.Ordinal), hidden.GetProperty("detail").GetString());

        using var browse = await server.GetAsync("/api/jobs/browse", bob);
        using (var page = JsonDocument.Parse(await browse.Content.ReadAsStringAsync()))
        {
            Assert.Equal(0, page.RootElement.GetProperty("items").GetArrayLength());
        }

        using var terminate = await server.PostAsync("/api/jobs/terminate", bob, JobBodies.Ids(job));
        await ProblemAssert.IsProblemAsync(terminate, HttpStatusCode.NotFound, "not_found", "items[0].id");

        using var peer = await server.PostAsync("/api/jobs", bob, JobBodies.Bulk(JobBodies.WebAppItem(job)));
        await ProblemAssert.IsProblemAsync(peer, HttpStatusCode.BadRequest, "validation_failed", "items[0].resources[0].jobId");

        using var browseAsOtherProject = await server.GetAsync("/api/jobs/browse?filterProject=project-a", bob);
        await ProblemAssert.IsProblemAsync(browseAsOtherProject, HttpStatusCode.BadRequest, "validation_failed", "filterProject");

        var stored = await server.Store.Jobs.GetJobAsync(job, CancellationToken.None);
        Assert.Equal(Domain.Jobs.JobState.InQueue, stored!.Status.State);
        Assert.Equal(1, await server.CountJobsAsync());
    }

    [Fact]
    public async Task SameProject_SharesJobs_AndAdminSeesAll()
    {
        await using var server = await WharfTestServer.StartAsync();
        var alice = await server.UserTokenAsync("alice", "project-a");
        var carol = await server.UserTokenAsync("carol", "project-a");
        var job = (await server.CreateJobsAsync(alice, JobBodies.Database()))[0];

        using (var colleague = await server.GetAsync($"/api/jobs/retrieve?id={job}", carol))
        {
            Assert.Equal(HttpStatusCode.OK, colleague.StatusCode);
        }

        // A colleague's job may be a peer.
        await server.CreateJobsAsync(carol, JobBodies.Bulk(JobBodies.WebAppItem(job)));

        using var admin = await server.GetAsync($"/api/jobs/retrieve?id={job}", server.AdminToken);
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
    }
}
