using System.Net;
using Wharf.Client;
using Wharf.Domain.Jobs;

namespace Wharf.Cli.Tests;

public sealed class WharfClientJobsTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task CreateJobs_ReturnsIdsInOrder_AndRetrieveReadsEachBack()
    {
        await using var server = await TestServer.StartAsync();
        using var client = await server.UserAsync("alice", "p1");

        var ids = await client.CreateJobsAsync([TestServer.Demo("first"), TestServer.Demo("second")], null, None);

        Assert.Equal(2, ids.Count);
        var first = await client.RetrieveJobAsync(ids[0], None);
        var second = await client.RetrieveJobAsync(ids[1], None);
        Assert.Equal(("first", JobState.InQueue, "alice", "p1"), (first.Specification.Name, first.Status.State, first.Owner.CreatedBy, first.Owner.Project));
        Assert.Equal("second", second.Specification.Name);
        Assert.Equal(new NameAndVersion("demo", "1.0.0"), first.Specification.Application);
        Assert.NotEmpty(first.Updates);
    }

    [Fact]
    public async Task CreateJobs_WithTheSameIdempotencyKey_ReturnsTheSameIds_AndAnotherBodyConflicts()
    {
        await using var server = await TestServer.StartAsync();
        using var client = await server.UserAsync("alice", "p1");

        var once = await client.CreateJobsAsync([TestServer.Demo("a")], "key-1", None);
        var again = await client.CreateJobsAsync([TestServer.Demo("a")], "key-1", None);
        var conflict = await Assert.ThrowsAsync<WharfApiException>(() => client.CreateJobsAsync([TestServer.Demo("b")], "key-1", None));

        Assert.Equal(once, again);
        Assert.Equal((HttpStatusCode.Conflict, "idempotency_conflict"), (conflict.Status, conflict.Code));
    }

    [Fact]
    public async Task CreateJobs_RefusedByValidation_CarriesEveryFieldError()
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.Admin();
        var bad = TestServer.Demo() with { Application = new NameAndVersion("nope", "1.0.0"), Replicas = 0 };

        var problem = await Assert.ThrowsAsync<WharfApiException>(() => client.CreateJobsAsync([TestServer.Demo(), bad], null, "p1", None));

        Assert.Equal(HttpStatusCode.BadRequest, problem.Status);
        Assert.Equal("validation_failed", problem.Code);
        Assert.Contains(problem.Errors, e => e.Field == "items[1].application.name" && e.Code == "unknown_application");
        Assert.Contains(problem.Errors, e => e.Field == "items[1].replicas" && e.Code == "out_of_range");
        Assert.DoesNotContain(problem.Errors, e => e.Field.StartsWith("items[0]", StringComparison.Ordinal));
        Assert.All(problem.Errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Message)));

        // All or nothing: the valid first item was not created either.
        var page = await client.BrowseJobsAsync(new JobBrowseQuery { Project = "p1" }, None);
        Assert.Empty(page.Items);
    }

    [Fact]
    public async Task CreateJobs_ByAnAdmin_GoesToTheNamedProject_AndBrowseFiltersByProject()
    {
        await using var server = await TestServer.StartAsync();
        using var admin = server.Admin();

        var inP1 = await admin.CreateJobsAsync([TestServer.Demo()], null, "p1", None);
        var inP2 = await admin.CreateJobsAsync([TestServer.Demo()], null, "p2", None);
        var noProject = await Assert.ThrowsAsync<WharfApiException>(() => admin.CreateJobsAsync([TestServer.Demo()], null, None));
        var p2 = await admin.BrowseJobsAsync(new JobBrowseQuery { Project = "p2" }, None);
        var all = await admin.BrowseJobsAsync(new JobBrowseQuery(), None);

        Assert.Equal("p1", (await admin.RetrieveJobAsync(inP1[0], None)).Owner.Project);
        Assert.Equal(inP2, p2.Items.Select(j => j.Id));
        Assert.Equal(2, all.Items.Count);
        Assert.Equal("forbidden", noProject.Code);
    }

    [Fact]
    public async Task BrowseAllJobs_ReadsEveryPage_WithoutRepeatsOrGaps()
    {
        await using var server = await TestServer.StartAsync();
        using var client = await server.UserAsync("alice", "p1");
        var ids = await client.CreateJobsAsync([.. Enumerable.Range(0, 5).Select(i => TestServer.Demo($"job{i}"))], null, None);

        var firstPage = await client.BrowseJobsAsync(new JobBrowseQuery { ItemsPerPage = 2 }, None);
        var all = new List<string>();
        await foreach (var job in client.BrowseAllJobsAsync(new JobBrowseQuery { ItemsPerPage = 2, SortDirection = JobBrowseDirection.Ascending }, None))
        {
            all.Add(job.Id);
        }

        Assert.Equal(2, firstPage.Items.Count);
        Assert.NotNull(firstPage.Next);
        Assert.Equal(ids, all);
    }

    [Fact]
    public async Task BrowseJobs_FiltersByStateAndApplication()
    {
        await using var server = await TestServer.StartAsync();
        using var client = await server.UserAsync("alice", "p1");
        var ids = await client.CreateJobsAsync([TestServer.Demo("keep"), TestServer.Demo("end")], null, None);
        await client.TerminateAsync([ids[1]], None);

        var queued = await client.BrowseJobsAsync(new JobBrowseQuery { States = [JobState.InQueue] }, None);
        var ended = await client.BrowseJobsAsync(new JobBrowseQuery { States = [JobState.Success, JobState.Failure] }, None);
        var otherApp = await client.BrowseJobsAsync(new JobBrowseQuery { Application = "other" }, None);
        var demo = await client.BrowseJobsAsync(new JobBrowseQuery { Application = "demo", ApplicationVersion = "1.0.0" }, None);

        Assert.Equal([ids[0]], queued.Items.Select(j => j.Id));
        Assert.Equal([ids[1]], ended.Items.Select(j => j.Id));
        Assert.Empty(otherApp.Items);
        Assert.Equal(2, demo.Items.Count);
    }

    [Fact]
    public async Task Terminate_EndsAWaitingJob_AndMovesARunningOneToCanceling()
    {
        await using var server = await TestServer.StartAsync();
        using var client = await server.UserAsync("alice", "p1");
        var ids = await client.CreateJobsAsync([TestServer.Demo("waiting"), TestServer.Demo("running")], null, None);
        await server.StartJobAsync(ids[1]);

        await client.TerminateAsync(ids, None);

        Assert.Equal(JobState.Success, (await client.RetrieveJobAsync(ids[0], None)).Status.State);
        Assert.Equal(JobState.Canceling, (await client.RetrieveJobAsync(ids[1], None)).Status.State);
    }

    [Fact]
    public async Task SuspendAndUnsuspend_MoveARunningJobOutOfAndBackIntoItsQueue()
    {
        await using var server = await TestServer.StartAsync();
        using var client = await server.UserAsync("alice", "p1");
        var id = (await client.CreateJobsAsync([TestServer.Demo()], null, None))[0];
        await server.StartJobAsync(id);

        await client.SuspendAsync([id], None);
        var suspended = await client.RetrieveJobAsync(id, None);
        await client.UnsuspendAsync([id], None);
        var resumed = await client.RetrieveJobAsync(id, None);

        Assert.Equal(JobState.Suspended, suspended.Status.State);
        Assert.Equal(JobState.InQueue, resumed.Status.State);
    }

    [Fact]
    public async Task Suspend_OfAWaitingJob_IsAnInvalidTransition()
    {
        await using var server = await TestServer.StartAsync();
        using var client = await server.UserAsync("alice", "p1");
        var id = (await client.CreateJobsAsync([TestServer.Demo()], null, None))[0];

        var problem = await Assert.ThrowsAsync<WharfApiException>(() => client.SuspendAsync([id], None));

        Assert.Equal((HttpStatusCode.Conflict, "invalid_transition"), (problem.Status, problem.Code));
        Assert.Equal(JobState.InQueue, (await client.RetrieveJobAsync(id, None)).Status.State);
    }

    [Fact]
    public async Task Extend_GrowsTheTimeAllocationOfAWaitingJob()
    {
        await using var server = await TestServer.StartAsync();
        using var client = await server.UserAsync("alice", "p1");
        var id = (await client.CreateJobsAsync([TestServer.Demo(time: new SimpleDuration(1, 0, 0))], null, None))[0];

        await client.ExtendAsync(id, new SimpleDuration(0, 30, 0), None);

        var job = await client.RetrieveJobAsync(id, None);
        Assert.Equal(TimeSpan.FromMinutes(90), job.Status.TimeAllocation!.ToTimeSpan());
    }

    [Fact]
    public async Task RetrieveJob_OfAnotherProject_AnswersNotFound_LikeAMissingJob()
    {
        await using var server = await TestServer.StartAsync();
        using var alice = await server.UserAsync("alice", "p1");
        using var bob = await server.UserAsync("bob", "p2");
        var id = (await alice.CreateJobsAsync([TestServer.Demo()], null, None))[0];

        var foreign = await Assert.ThrowsAsync<WharfApiException>(() => bob.RetrieveJobAsync(id, None));
        var missing = await Assert.ThrowsAsync<WharfApiException>(() => bob.RetrieveJobAsync("999999", None));
        var terminate = await Assert.ThrowsAsync<WharfApiException>(() => bob.TerminateAsync([id], None));

        Assert.Equal((HttpStatusCode.NotFound, "not_found"), (foreign.Status, foreign.Code));
        Assert.Equal((foreign.Status, foreign.Code), (missing.Status, missing.Code));
        Assert.Equal("not_found", terminate.Code);
        Assert.Equal(JobState.InQueue, (await alice.RetrieveJobAsync(id, None)).Status.State);
    }
}
