using Wharf.Domain.Jobs;
using Wharf.Storage.Sql;
using static Wharf.Storage.Tests.JobRequests;

namespace Wharf.Storage.Tests;

public abstract partial class StoreContractTests
{
    [Fact]
    public async Task TrySaveEach_SavesEveryChangeWhoseCompareAndSetHolds_AndSaysWhich()
    {
        var ids = await CreateAsync(Alice, T0, Job(), Job(), Job());
        var jobs = await Store.Jobs.GetJobsAsync(ids, Ct);
        var stale = jobs[1].Apply(JobTransitions.Start, T0.AddSeconds(1));
        Assert.True(await Store.Jobs.TrySaveAsync(jobs[1].Extend(new SimpleDuration(0, 1, 0), T0.AddSeconds(1)), Ct));
        var placed = Placed(jobs[2], T0.AddSeconds(2));

        var saved = await Store.Jobs.TrySaveEachAsync([jobs[0].Apply(JobTransitions.Start, T0.AddSeconds(2)), stale, placed, placed.After.Apply(JobTransitions.Start, T0.AddSeconds(3))], Ct);

        Assert.Equal([true, false, true, true], saved);
        Assert.Equal(JobState.Running, (await GetAsync(ids[0])).Status.State);
        Assert.Equal(JobState.InQueue, (await GetAsync(ids[1])).Status.State);
        var started = await GetAsync(ids[2]);
        Assert.Equal(JobState.Running, started.Status.State);
        Assert.Equal("node-1", Assert.Single(started.Status.Ranks!).NodeId);
        Assert.Equal(3, started.Updates.Count);
        Assert.Empty(await Store.Jobs.TrySaveEachAsync([], Ct));
    }

    [Fact]
    public async Task StreamLiveJobs_ReadsWaitingRunningAndCancelingJobs_AndEndedOnesStillOnNodes_InBatches()
    {
        var waiting = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            waiting.AddRange(await CreateAsync(new Owner($"u{i}", "p1"), T0, [.. Enumerable.Range(0, 800).Select(_ => Job())]));
        }

        var jobs = await Store.Jobs.GetJobsAsync(waiting.Take(5).ToList(), Ct);
        var running = jobs[0].Apply(JobTransitions.Start, T0.AddSeconds(1), amend: s => s with { Ranks = [new RankStatus(0, "n", RankState.Running)] });
        var canceling = running.After.Apply(JobTransitions.Terminate, T0.AddSeconds(2));
        var failedOnNode = Placed(jobs[1], T0.AddSeconds(1)).After.Apply(JobTransitions.Fail, T0.AddSeconds(2));
        var failedOff = jobs[2].Apply(JobTransitions.Fail, T0.AddSeconds(2));
        var done = jobs[3].Apply(JobTransitions.Start, T0.AddSeconds(1), amend: s => s with { Ranks = [new RankStatus(0, "n", RankState.Running)] });
        var completed = done.After.Apply(JobTransitions.Complete, T0.AddSeconds(2), amend: s => s with { Ranks = [new RankStatus(0, "n", RankState.Exited, ExitCode: 0)] });
        Assert.True(await Store.Jobs.TrySaveAllAsync([running, canceling, Placed(jobs[1], T0.AddSeconds(1)), failedOnNode, failedOff, done, completed], Ct));

        var live = new List<Job>();
        await foreach (var job in Store.Jobs.StreamLiveJobsAsync(Ct))
        {
            live.Add(job);
        }

        var expected = waiting.Except([jobs[2].Id, jobs[3].Id]).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, live.Select(j => j.Id).Order(StringComparer.Ordinal));
        Assert.Equal(JobState.Canceling, live.Single(j => j.Id == jobs[0].Id).Status.State);
        Assert.Equal(JobState.Failure, live.Single(j => j.Id == jobs[1].Id).Status.State);
        Assert.All(live, j => Assert.Empty(j.Updates));
        AssertSameJob(await GetAsync(jobs[4].Id) with { Updates = [] }, live.Single(j => j.Id == jobs[4].Id));
    }

    [Fact]
    public async Task RenumberQueue_SpacesTheJobsEvenlyInTheirOrder_AdvancingVersions_AndLeavesOtherQueuesAndEndedJobs()
    {
        var ids = await CreateAsync(Alice, T0, Job(priority: 5), Job(priority: 5), Job(priority: 6), Job(priority: 4), Job(priority: 7), Job(queue: "vm", priority: 5));
        var ended = await GetAsync(ids[4]);
        Assert.True(await Store.Jobs.TrySaveAsync(ended.Apply(JobTransitions.Cancel, T0.AddSeconds(1)), Ct));
        var before = await GetAsync(ids[0]);

        var positions = await Store.Jobs.RenumberQueueAsync(Queues.Default, 1024, Ct);

        Assert.Equal([ids[3], ids[0], ids[1], ids[2]], positions.Select(p => p.JobId));
        Assert.Equal([1024L, 2048, 3072, 4096], positions.Select(p => p.Priority));
        Assert.All(positions, p => Assert.Equal(1, p.Version));
        var renumbered = await GetAsync(ids[0]);
        Assert.Equal((2048L, 1L), (renumbered.Status.Priority, renumbered.Version));
        Assert.Equal(7, (await GetAsync(ids[4])).Status.Priority);
        Assert.Equal(5, (await GetAsync(ids[5])).Status.Priority);

        // A change computed before the renumbering loses its compare-and-set; one computed after keeps the new position.
        Assert.False(await Store.Jobs.TrySaveAsync(before.Apply(JobTransitions.Cancel, T0.AddSeconds(2)), Ct));
        Assert.True(await Store.Jobs.TrySaveAsync(renumbered.Extend(new SimpleDuration(0, 5, 0), T0.AddSeconds(2)), Ct));
        Assert.Equal(2048, (await GetAsync(ids[0])).Status.Priority);
        var page = await Store.Jobs.BrowseJobsAsync(
            new JobQuery { Queue = Queues.Default, States = new HashSet<JobState> { JobState.InQueue }, SortBy = JobSortBy.Priority, Direction = SortDirection.Ascending }, Ct);
        Assert.Equal([ids[3], ids[0], ids[1], ids[2]], page.Items.Select(j => j.Id));
    }

    [Fact]
    public async Task Create_ReportsThePositionEachJobWasGiven()
    {
        var result = await Store.Jobs.CreateJobsAsync(Request(Alice, T0, Job(), Job(priority: 7), Job()), Ct);

        var created = Assert.IsType<CreateJobsResult.Created>(result);
        var stored = await Store.Jobs.GetJobsAsync(created.Ids, Ct);
        Assert.Equal(stored.Select(j => j.Status.Priority), created.Priorities);
    }

    [Fact]
    public async Task Migrate_FromVersionOne_KeepsEveryJob_AndAddsAgentsAndNodes()
    {
        var old = Open([.. ShippedMigrations.Where(m => m.Version == 1)]);
        await DropToVersionOneAsync(old);
        var ids = Assert.IsType<CreateJobsResult.Created>(await old.Jobs.CreateJobsAsync(Request(Bob, T0, Job(), Job()), Ct)).Ids;
        var before = await old.Jobs.GetJobsAsync(ids, Ct);

        await Open().MigrateAsync(Ct);

        Assert.Equal(SchemaVersion.Latest, await Store.GetSchemaVersionAsync(Ct));
        var after = await Store.Jobs.GetJobsAsync(ids, Ct);
        Assert.All(before.Zip(after), pair => AssertSameJob(pair.First, pair.Second));
        Assert.Empty(await Store.Agents.ListNodesAsync(Ct));
        var live = new List<Job>();
        await foreach (var job in Store.Jobs.StreamLiveJobsAsync(Ct))
        {
            live.Add(job);
        }

        Assert.Equal(ids, live.Select(j => j.Id));
    }

    /// <summary>Empties this test's database and brings it back at version 1, as an older Wharf left it.</summary>
    private async Task DropToVersionOneAsync(SqlWharfStore old)
    {
        await using (var session = await old.Database.BeginWriteAsync(Ct))
        {
            foreach (var table in new[] { "group_members", "job_groups", "callbacks", "job_keys", "nodes", "agents", "job_updates", "idempotency_keys", "jobs", "applications", "products", "tokens", "schema_version" })
            {
                await using var drop = session.Command($"DROP TABLE IF EXISTS {table}");
                await drop.ExecuteNonQueryAsync(Ct);
            }

            await session.CommitAsync(Ct);
        }

        await old.MigrateAsync(Ct);
        Assert.Equal(1, await old.GetSchemaVersionAsync(Ct));
    }

    private static JobChange Placed(Job job, DateTimeOffset at) =>
        job.Amend(s => s with { Ranks = [new RankStatus(0, "node-1", RankState.Assigned)] }, at, "placed on node-1");
}
