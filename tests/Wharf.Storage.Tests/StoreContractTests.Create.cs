using Wharf.Domain.Jobs;
using static Wharf.Storage.Tests.JobRequests;

namespace Wharf.Storage.Tests;

public abstract partial class StoreContractTests
{
    [Fact]
    public async Task CreateJobs_ThenGetJob_GivesBackExactlyWhatWasWritten()
    {
        var job = Job();
        var now = T0.AddTicks(4_321); // sub-millisecond: the store keeps whole milliseconds

        var id = Assert.Single(await CreateAsync(Alice, now, job));

        var expected = new Job
        {
            Id = id,
            Owner = Alice,
            Specification = job.Specification,
            Status = job.Status with { Priority = 1024 },
            Updates = [Domain.Jobs.Job.Accepted(T0)],
            CreatedAt = T0,
            Version = 0,
        };
        AssertSameJob(expected, await GetAsync(id));
    }

    [Fact]
    public async Task CreateJobs_OnAFreshDatabase_CountsIdsFrom4101_AsSeed000Expects()
    {
        var ids = await CreateAsync(Alice, T0, Job(), Job());

        Assert.Equal(["4101", "4102"], ids);
    }

    [Fact]
    public async Task CreateJobs_GivesIncreasingIdsInRequestOrder_AndQueuesEachJobBehindEveryJobInItsQueue()
    {
        var first = await CreateAsync(Alice, T0, Job(), Job(queue: "vm"), Job(priority: 5), Job());
        var second = await CreateAsync(Bob, T0, Job(queue: "vm"), Job());

        long[] ids = [.. first.Concat(second).Select(long.Parse)];
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(ids.Length, ids.Distinct().Count());

        var jobs = await Store.Jobs.GetJobsAsync([.. first, .. second], Ct);
        Assert.Equal(
            [1024L, 1024L, 5L, 2048L, 2048L, 3072L],
            jobs.Select(j => j.Status.Priority));
        Assert.Equal(["default", "vm", "default", "default", "vm", "default"], jobs.Select(j => j.Status.Queue));
    }

    [Fact]
    public async Task CreateJobs_RefusesTheWholeRequest_WhenOneItemDuplicatesAnActiveJobOfTheOwner()
    {
        var existing = Assert.Single(await CreateAsync(Alice, T0, Job(tag: "same")));

        var result = await Store.Jobs.CreateJobsAsync(Request(Alice, T0, Job(), Job(tag: "same", refuseDuplicate: true)), Ct);

        Assert.Equal(new CreateJobsResult.Duplicate(1, existing), result);
        Assert.Single(await AllJobsAsync());
    }

    [Fact]
    public async Task CreateJobs_RefusesAnItemThatDuplicatesAnEarlierItemOfTheSameRequest()
    {
        var result = await Store.Jobs.CreateJobsAsync(
            Request(Alice, T0, Job(tag: "a"), Job(tag: "b"), Job(tag: "a", refuseDuplicate: true)), Ct);

        Assert.Equal(new CreateJobsResult.Duplicate(2, null), result);
        Assert.Empty(await AllJobsAsync());
    }

    [Fact]
    public async Task CreateJobs_AcceptsAnEqualJob_WhenAllowed_OrOfAnotherOwner_OrWhenTheEarlierOneEnded()
    {
        var first = Assert.Single(await CreateAsync(Alice, T0, Job(tag: "same")));

        await CreateAsync(Alice, T0, Job(tag: "same", refuseDuplicate: false));
        await CreateAsync(Bob, T0, Job(tag: "same", refuseDuplicate: true)); // same project, another creator
        await CreateAsync(Carol, T0, Job(tag: "same", refuseDuplicate: true));

        var again = await Store.Jobs.CreateJobsAsync(Request(Alice, T0, Job(tag: "same", refuseDuplicate: true)), Ct);
        Assert.IsType<CreateJobsResult.Duplicate>(again);

        foreach (var job in (await AllJobsAsync()).Where(j => j.Owner == Alice))
        {
            Assert.True(await Store.Jobs.TrySaveAsync(job.Apply(JobTransitions.Cancel, T0.AddSeconds(1)), Ct));
        }

        await CreateAsync(Alice, T0.AddSeconds(2), Job(tag: "same", refuseDuplicate: true));
        Assert.NotEqual(first, (await AllJobsAsync())[^1].Id);
    }

    [Fact]
    public async Task CreateJobs_WithAKeyUsedBefore_ReplaysTheFirstIds_AndCreatesNothing()
    {
        var claim = new IdempotencyClaim("key-1", "hash-A");
        var first = Assert.IsType<CreateJobsResult.Created>(await Store.Jobs.CreateJobsAsync(Request(Alice, T0, claim, Job(), Job()), Ct));

        var replay = await Store.Jobs.CreateJobsAsync(Request(Alice, T0.AddSeconds(5), claim, Job(), Job()), Ct);

        Assert.Equal(first.Ids, Assert.IsType<CreateJobsResult.Replayed>(replay).Ids);
        Assert.Equal(2, (await AllJobsAsync()).Count);
    }

    [Fact]
    public async Task CreateJobs_WithAKeyUsedBeforeForAnotherBody_IsAConflict_AndCreatesNothing()
    {
        await CreateWithKeyAsync(Alice, new IdempotencyClaim("key-1", "hash-A"));

        var result = await Store.Jobs.CreateJobsAsync(Request(Alice, T0, new IdempotencyClaim("key-1", "hash-B"), Job()), Ct);

        Assert.IsType<CreateJobsResult.IdempotencyConflict>(result);
        Assert.Single(await AllJobsAsync());
    }

    [Fact]
    public async Task CreateJobs_ScopesKeysToTheOwner()
    {
        var claim = new IdempotencyClaim("key-1", "hash-A");
        await CreateWithKeyAsync(Alice, claim);

        Assert.IsType<CreateJobsResult.Created>(await Store.Jobs.CreateJobsAsync(Request(Bob, T0, claim, Job()), Ct));
        Assert.IsType<CreateJobsResult.Created>(await Store.Jobs.CreateJobsAsync(Request(Carol, T0, claim, Job()), Ct));
    }

    [Fact]
    public async Task CreateJobs_ConcurrentFirstUsesOfOneKey_CreateExactlyOneSet()
    {
        var claim = new IdempotencyClaim("key-race", "hash-A");

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            Task.Run(() => Store.Jobs.CreateJobsAsync(Request(Alice, T0, claim, Job(), Job(), Job()), Ct))));

        var created = Assert.Single(results.OfType<CreateJobsResult.Created>());
        Assert.Equal(7, results.OfType<CreateJobsResult.Replayed>().Count(r => r.Ids.SequenceEqual(created.Ids)));
        Assert.Equal(created.Ids, (await AllJobsAsync()).Select(j => j.Id));
    }

    [Fact]
    public async Task CreateJobs_ConcurrentEqualJobs_CreateExactlyOne_WhenDuplicatesAreRefused()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            Task.Run(() => Store.Jobs.CreateJobsAsync(Request(Alice, T0, Job(tag: "same", refuseDuplicate: true)), Ct))));

        var created = Assert.Single(results.OfType<CreateJobsResult.Created>());
        Assert.All(
            results.Where(r => r is not CreateJobsResult.Created),
            r => Assert.Equal(new CreateJobsResult.Duplicate(0, created.Ids[0]), r));
    }

    [Fact]
    public async Task CreateJobs_ManyConcurrentRequests_AllSucceed_WithDistinctIdsAndQueuePositions()
    {
        var owners = Enumerable.Range(0, 20).Select(i => new Owner($"user{i}", $"p{i % 3}")).ToList();

        var results = await Task.WhenAll(owners.Select(owner =>
            Task.Run(() => Store.Jobs.CreateJobsAsync(Request(owner, T0, Job(), Job()), Ct))));

        var ids = results.SelectMany(r => Assert.IsType<CreateJobsResult.Created>(r).Ids).ToList();
        Assert.Equal(40, ids.Distinct().Count());
        var jobs = await AllJobsAsync();
        Assert.Equal(40, jobs.Select(j => j.Status.Priority).Distinct().Count());
        Assert.All(jobs, j => Assert.Equal(0, j.Status.Priority % 1024));
    }

    [Fact]
    public async Task GetJob_ReturnsNull_ForAnIdThatNamesNoJob()
    {
        var id = Assert.Single(await CreateAsync(Alice, T0, Job()));

        foreach (var unknown in new[] { "999999", "abc", "0" + id, "+" + id, " " + id, "", "-1", "99999999999999999999" })
        {
            Assert.Null(await Store.Jobs.GetJobAsync(unknown, Ct));
        }
    }

    [Fact]
    public async Task GetJobs_ReturnsTheJobsThatExist_InTheOrderAsked()
    {
        var ids = await CreateAsync(Alice, T0, Job(), Job(), Job());

        var jobs = await Store.Jobs.GetJobsAsync([ids[2], "424242", ids[0], "x", ids[2]], Ct);

        Assert.Equal([ids[2], ids[0]], jobs.Select(j => j.Id));
        Assert.All(jobs, j => Assert.Equal([Domain.Jobs.Job.Accepted(T0)], j.Updates));
    }

    private async Task CreateWithKeyAsync(Owner owner, IdempotencyClaim claim) =>
        Assert.IsType<CreateJobsResult.Created>(await Store.Jobs.CreateJobsAsync(Request(owner, T0, claim, Job()), Ct));
}
