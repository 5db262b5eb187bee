using System.Net;
using Wharf.Client;
using Wharf.Domain.Jobs;

namespace Wharf.Cli.Tests;

public sealed class WharfClientExecutionTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task FollowJob_SendsTheJobFirst_ThenItsLinesAndChanges_AndEnds()
    {
        await using var server = await TestServer.StartAsync(ExecutionCatalog.Files);
        await using var agent = await TestAgent.StartAsync(server);
        using var client = await server.UserAsync("alice", "p1");
        var id = (await client.CreateJobsAsync([Shell("echo one; echo two")], null, None))[0];

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var events = new List<JobFollowEvent>();
        await foreach (var item in client.FollowJobAsync(id, timeout.Token))
        {
            events.Add(item);
        }

        Assert.Equal(id, Assert.IsType<JobSnapshotEvent>(events[0]).Job.Id);
        Assert.IsType<JobEndEvent>(events[^1]);
        Assert.Equal(["one", "two"], events.OfType<JobLogEvent>().Select(e => e.Line.Text));
        Assert.Equal([0L, 1L], events.OfType<JobLogEvent>().Select(e => e.Line.Line));
        var states = events.OfType<JobStatusEvent>().Select(e => e.Status.State).ToList();
        Assert.Equal(JobState.Success, states[^1]);
        var versions = events.OfType<JobStatusEvent>().Select(e => e.Version).ToList();
        Assert.Equal(versions.Order(), versions);
    }

    [Fact]
    public async Task FollowJob_OfAnotherProjectsJob_AnswersNotFound()
    {
        await using var server = await TestServer.StartAsync();
        using var alice = await server.UserAsync("alice", "p1");
        using var bob = await server.UserAsync("bob", "p2");
        var id = (await alice.CreateJobsAsync([TestServer.Demo()], null, None))[0];

        var problem = await Assert.ThrowsAsync<WharfApiException>(async () =>
        {
            await foreach (var item in bob.FollowJobAsync(id, None))
            {
                Assert.Fail($"no event was expected, got {item}");
            }
        });

        Assert.Equal((HttpStatusCode.NotFound, "not_found"), (problem.Status, problem.Code));
    }

    [Fact]
    public async Task ReadJobLogs_PagesByLineNumber_AndListsTheStreams()
    {
        await using var server = await TestServer.StartAsync(ExecutionCatalog.Files);
        await using var agent = await TestAgent.StartAsync(server);
        using var client = await server.UserAsync("alice", "p1");
        var id = (await client.CreateJobsAsync([Shell("for i in 1 2 3 4 5; do echo line$i; done; echo oops >&2")], null, None))[0];
        await FollowToEndAsync(client, id);

        var page = await client.ReadJobLogsAsync(id, 0, "stdout", 1, 2, None);
        var all = new List<JobLogLine>();
        await foreach (var line in client.ReadAllJobLogsAsync(id, 0, "stdout", 0, None))
        {
            all.Add(line);
        }

        Assert.Equal(["line2", "line3"], page.Lines.Select(l => l.Text));
        Assert.Equal((1L, 2L, 3L), (page.Lines[0].Line, page.Lines[1].Line, page.Next));
        Assert.Equal([new JobLogStream(0, "stderr"), new JobLogStream(0, "stdout")], page.Streams.OrderBy(s => s.Stream, StringComparer.Ordinal));
        Assert.Equal(["line1", "line2", "line3", "line4", "line5"], all.Select(l => l.Text));
        Assert.All(all, l => Assert.Equal((0, "stdout"), (l.Rank, l.Stream)));
    }

    [Fact]
    public async Task ExplainJob_OfAJobThatDoesNotWait_HasNoPlaceOrCounts()
    {
        await using var server = await TestServer.StartAsync();
        using var client = await server.UserAsync("alice", "p1");
        var id = (await client.CreateJobsAsync([TestServer.Demo()], null, None))[0];
        await client.TerminateAsync([id], None);

        var explanation = await client.ExplainJobAsync(id, None);

        Assert.Equal((id, JobState.Success), (explanation.JobId, explanation.State));
        Assert.Null(explanation.Position);
        Assert.Null(explanation.NodesConsidered);
    }

    [Fact]
    public async Task MoveJob_BeforeAnotherJob_GivesItASmallerPositionKey()
    {
        await using var server = await TestServer.StartAsync();
        using var client = await server.UserAsync("alice", "p1");
        var ids = await client.CreateJobsAsync([TestServer.Demo("a"), TestServer.Demo("b")], null, None);

        var place = await client.MoveJobAsync(ids[1], QueueMove.Before(ids[0]), None);
        var first = await client.RetrieveJobAsync(ids[0], None);

        Assert.Equal((ids[1], "default"), (place.Id, place.Queue));
        Assert.True(place.Priority < first.Status.Priority);
    }

    private static JobSpecification Shell(string script) => new()
    {
        Application = new NameAndVersion("shell", "1.0.0"),
        Product = new ProductReference("p", "c", "x"),
        Parameters = new Dictionary<string, AppParameterValue> { ["script"] = AppParameterValue.Text(script) },
        AllowDuplicateJob = true,
    };

    private static async Task FollowToEndAsync(WharfClient client, string id)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await foreach (var item in client.FollowJobAsync(id, timeout.Token))
        {
            _ = item;
        }
    }
}
