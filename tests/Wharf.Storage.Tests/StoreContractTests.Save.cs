using Wharf.Domain.Jobs;
using static Wharf.Storage.Tests.JobRequests;

namespace Wharf.Storage.Tests;

public abstract partial class StoreContractTests
{
    [Fact]
    public async Task TrySave_AppliesTheChange_AndAppendsItsHistoryEntry()
    {
        var job = await GetAsync(Assert.Single(await CreateAsync(Alice, T0, Job())));
        var start = job.Apply(JobTransitions.Start, T0.AddSeconds(10));

        Assert.True(await Store.Jobs.TrySaveAsync(start, Ct));
        var running = await GetAsync(job.Id);
        AssertSameJob(start.After, running);
        Assert.Equal(JobState.Running, running.Status.State);
        Assert.Equal(T0.AddSeconds(10), running.Status.StartedAt);
        Assert.Equal(T0.AddSeconds(10) + TimeSpan.FromMinutes(90), running.Status.ExpiresAt);

        var placed = running.Amend(
            s => s with { Ranks = [new RankStatus(0, "node-1", RankState.Running, Address: "10.0.0.2", Ports: new Dictionary<string, int> { ["http"] = 8080 })] },
            T0.AddSeconds(11),
            "rank 0 started on node-1");
        Assert.True(await Store.Jobs.TrySaveAsync(placed, Ct));
        var terminate = placed.After.Apply(JobTransitions.Terminate, T0.AddSeconds(12));
        Assert.True(await Store.Jobs.TrySaveAsync(terminate, Ct));

        var canceling = await GetAsync(job.Id);
        AssertSameJob(terminate.After, canceling);
        Assert.Equal(3, canceling.Version);
        Assert.Equal([JobState.InQueue, JobState.Running, null, JobState.Canceling], canceling.Updates.Select(u => u.State));
    }

    [Fact]
    public async Task TrySave_Refuses_WhenTheVersionIsStale_AndLeavesTheJobUnchanged()
    {
        var job = await GetAsync(Assert.Single(await CreateAsync(Alice, T0, Job())));
        Assert.True(await Store.Jobs.TrySaveAsync(job.Extend(new SimpleDuration(0, 10, 0), T0.AddSeconds(1)), Ct));
        var before = await GetAsync(job.Id);

        var stale = job.Apply(JobTransitions.Start, T0.AddSeconds(2)); // computed from version 0; the job is at 1

        Assert.False(await Store.Jobs.TrySaveAsync(stale, Ct));
        AssertSameJob(before, await GetAsync(job.Id));
    }

    [Fact]
    public async Task TrySave_Refuses_WhenTheStateIsNotTheExpectedOne_AndLeavesTheJobUnchanged()
    {
        var job = await GetAsync(Assert.Single(await CreateAsync(Alice, T0, Job())));
        var asIfRunning = job with { Status = job.Status with { State = JobState.Running } };
        var complete = asIfRunning.Apply(JobTransitions.Complete, T0.AddSeconds(1)); // expects RUNNING at version 0

        Assert.False(await Store.Jobs.TrySaveAsync(complete, Ct));
        AssertSameJob(job, await GetAsync(job.Id));
    }

    [Fact]
    public async Task TrySave_ReturnsFalse_ForAJobThatDoesNotExist()
    {
        var job = await GetAsync(Assert.Single(await CreateAsync(Alice, T0, Job())));

        Assert.False(await Store.Jobs.TrySaveAsync((job with { Id = "987654" }).Apply(JobTransitions.Start, T0), Ct));
        Assert.False(await Store.Jobs.TrySaveAsync((job with { Id = "not-a-number" }).Apply(JobTransitions.Start, T0), Ct));
    }

    [Fact]
    public async Task TrySave_ConcurrentChangesFromOneVersion_OnlyOneWins()
    {
        var job = await GetAsync(Assert.Single(await CreateAsync(Alice, T0, Job())));
        var changes = Enumerable.Range(1, 6).Select(i => job.Extend(new SimpleDuration(0, i, 0), T0.AddSeconds(i))).ToList();

        var saved = await Task.WhenAll(changes.Select(c => Task.Run(() => Store.Jobs.TrySaveAsync(c, Ct))));

        Assert.Single(saved, s => s);
        var winner = changes[Array.IndexOf(saved, true)];
        AssertSameJob(winner.After, await GetAsync(job.Id));
    }

    [Fact]
    public async Task TrySave_MovesAJobBetweenTwoOthers_ByItsPositionKey()
    {
        var ids = await CreateAsync(Alice, T0, Job(), Job(), Job());
        var last = await GetAsync(ids[2]);

        var moved = last.Amend(s => s with { Priority = 1536 }, T0.AddSeconds(1), "moved behind job " + ids[0]);
        Assert.True(await Store.Jobs.TrySaveAsync(moved, Ct));

        var page = await Store.Jobs.BrowseJobsAsync(new JobQuery { SortBy = JobSortBy.Priority, Direction = SortDirection.Ascending }, Ct);
        Assert.Equal([ids[0], ids[2], ids[1]], page.Items.Select(j => j.Id));
    }

    [Fact]
    public async Task TrySaveAll_SavesNothing_WhenOneCompareAndSetFails()
    {
        var ids = await CreateAsync(Alice, T0, Job(), Job());
        var a = await GetAsync(ids[0]);
        var b = await GetAsync(ids[1]);
        Assert.True(await Store.Jobs.TrySaveAsync(b.Apply(JobTransitions.Start, T0.AddSeconds(1)), Ct));
        var bNow = await GetAsync(ids[1]);

        var saved = await Store.Jobs.TrySaveAllAsync(
            [a.Apply(JobTransitions.Start, T0.AddSeconds(2)), b.Apply(JobTransitions.Start, T0.AddSeconds(2))], Ct);

        Assert.False(saved);
        AssertSameJob(a, await GetAsync(ids[0]));
        AssertSameJob(bNow, await GetAsync(ids[1]));
    }

    [Fact]
    public async Task TrySaveAll_SavesEveryChange_WhenEveryCompareAndSetHolds()
    {
        var ids = await CreateAsync(Alice, T0, Job(), Job(), Job());
        var jobs = await Store.Jobs.GetJobsAsync(ids, Ct);
        var changes = jobs.Reverse().Select(j => j.Apply(JobTransitions.Cancel, T0.AddSeconds(3))).ToList();

        Assert.True(await Store.Jobs.TrySaveAllAsync(changes, Ct));

        foreach (var change in changes)
        {
            AssertSameJob(change.After, await GetAsync(change.After.Id));
        }

        Assert.True(await Store.Jobs.TrySaveAllAsync([], Ct));
    }
}
