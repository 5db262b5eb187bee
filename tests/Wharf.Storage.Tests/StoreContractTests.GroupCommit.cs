using Wharf.Storage.Sql;
using static Wharf.Storage.Tests.JobRequests;

namespace Wharf.Storage.Tests;

/// <summary>Group commit: creations that arrive while another is being written share the next transaction.</summary>
public abstract partial class StoreContractTests
{
    [Fact]
    public async Task CreateJobs_WhileAnotherCreationWrites_ThoseWaitingShareOneBatch_AndEachKeepsItsOwnOutcome()
    {
        var jobs = (SqlJobStore)Store.Jobs;
        await CreateWithKeyAsync(Alice, new IdempotencyClaim("taken", "hash-A"));
        var before = await CountAsync("jobs");

        // The first creation holds the write transaction until released, so all the others queue behind it and are
        // written together in the next batch.
        var (first, holding) = await HoldTheWriterAsync();

        var plain = Enumerable.Range(0, 20).Select(i => Store.Jobs.CreateJobsAsync(
            Request(i % 2 == 0 ? Alice : Carol, T0, [.. Enumerable.Range(0, 1 + i % 3).Select(_ => Job(queue: i % 4 == 0 ? "vm" : "default"))]), Ct)).ToList();
        var conflicting = Store.Jobs.CreateJobsAsync(Request(Alice, T0, new IdempotencyClaim("taken", "hash-B"), Job()), Ct);
        var failing = jobs.CreateJobsAsync(Request(Carol, T0, Job(), Job()), (_, _, _) => throw new InvalidOperationException("refused alongside"), Ct);
        var keyed = Store.Jobs.CreateJobsAsync(Request(Bob, T0, new IdempotencyClaim("fresh", "hash-C"), Job()), Ct);
        var replayed = Store.Jobs.CreateJobsAsync(Request(Bob, T0, new IdempotencyClaim("fresh", "hash-C"), Job()), Ct);
        var more = Enumerable.Range(0, 5).Select(_ => Store.Jobs.CreateJobsAsync(Request(Bob, T0, Job(), Job()), Ct)).ToList();
        Assert.False(plain.Concat(more).Any(t => t.IsCompleted), "nothing may be answered before its batch commits");

        holding.SetResult();
        var firstIds = Assert.IsType<CreateJobsResult.Created>(await first).Ids;
        var created = new List<IReadOnlyList<string>> { firstIds };
        foreach (var task in plain.Concat(more))
        {
            created.Add(Assert.IsType<CreateJobsResult.Created>(await task).Ids);
        }

        Assert.IsType<CreateJobsResult.IdempotencyConflict>(await conflicting);
        Assert.Equal("refused alongside", (await Assert.ThrowsAsync<InvalidOperationException>(() => failing)).Message);
        var keyedIds = Assert.IsType<CreateJobsResult.Created>(await keyed).Ids;
        Assert.Equal(keyedIds, Assert.IsType<CreateJobsResult.Replayed>(await replayed).Ids);
        created.Add(keyedIds);

        // Each request's ids increase in its order; no id is given twice; the failed request left no row behind.
        foreach (var ids in created)
        {
            long[] numbers = [.. ids.Select(long.Parse)];
            Assert.Equal(numbers.Order(), numbers);
        }

        var all = created.SelectMany(ids => ids).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.Equal(before + all.Count, await CountAsync("jobs"));
        Assert.Equal(before + all.Count, await CountAsync("job_updates"));

        // Queue positions are unique per queue: the batch's creations each went behind the one before.
        var stored = await Store.Jobs.GetJobsAsync(all, Ct);
        foreach (var queue in stored.GroupBy(j => j.Status.Queue))
        {
            Assert.Equal(queue.Count(), queue.Select(j => j.Status.Priority).Distinct().Count());
        }
    }

    [Fact]
    public async Task CreateJobs_InOneBatch_SeeTheJobsOfTheCreationsBeforeThem()
    {
        var (first, holding) = await HoldTheWriterAsync();

        // Queued behind the held write, these share the next batch: the duplicate check and the door key's lookup of
        // the later ones must see the rows the earlier ones wrote in the same transaction.
        var original = Store.Jobs.CreateJobsAsync(Request(Alice, T0, Job(tag: "same")), Ct);
        var plain = Store.Jobs.CreateJobsAsync(Request(Alice, T0, Job(tag: "other")), Ct);
        var duplicate = Store.Jobs.CreateJobsAsync(Request(Alice, T0, Job(tag: "same", refuseDuplicate: true)), Ct);
        var keyed = Store.Jobs.CreateJobsAsync(Request(Alice, T0, Job(tag: "k") with { Key = new JobKey("door", "k1") }), Ct);
        var sameKey = Store.Jobs.CreateJobsAsync(Request(Alice, T0, Job(tag: "k2") with { Key = new JobKey("door", "k1") }), Ct);
        holding.SetResult();
        await first;

        var originalId = Assert.Single(Assert.IsType<CreateJobsResult.Created>(await original).Ids);
        Assert.IsType<CreateJobsResult.Created>(await plain);
        Assert.Equal(new CreateJobsResult.Duplicate(0, originalId), await duplicate);
        var keyedId = Assert.Single(Assert.IsType<CreateJobsResult.Created>(await keyed).Ids);
        Assert.Equal(new CreateJobsResult.KeyTaken(0, keyedId), await sameKey);
        Assert.Equal(4, (await AllJobsAsync()).Count);
    }

    [Fact]
    public async Task CreateJobs_TellsEachCreationOfItsCommit_InIdOrder_BeforeItsCallerHasTheAnswer()
    {
        var told = new List<long>();
        CreateJobsRequest Told(CreateJobsRequest request) => request with
        {
            Committed = created =>
            {
                lock (told)
                {
                    told.AddRange(created.Ids.Select(long.Parse));
                }
            },
        };

        var requests = Enumerable.Range(0, 48).Select(i => Task.Run(async () =>
        {
            var ids = Assert.IsType<CreateJobsResult.Created>(await Store.Jobs.CreateJobsAsync(
                Told(Request(i % 2 == 0 ? Alice : Bob, T0, [.. Enumerable.Range(0, 1 + i % 3).Select(_ => Job())])), Ct)).Ids;
            lock (told)
            {
                Assert.True(ids.All(id => told.Contains(long.Parse(id))), "a caller had its answer before it was told of the commit");
            }

            return ids.Count;
        })).ToList();
        var count = (await Task.WhenAll(requests)).Sum();

        // Concurrent callers resume in any order; the store tells them in the order it committed them.
        Assert.Equal(count, told.Count);
        Assert.Equal(told.Order(), told);

        // Nothing new was committed for a replayed request: nobody is told.
        var claim = new IdempotencyClaim("once", "hash");
        Assert.IsType<CreateJobsResult.Created>(await Store.Jobs.CreateJobsAsync(Told(Request(Alice, T0, claim, Job())), Ct));
        Assert.IsType<CreateJobsResult.Replayed>(await Store.Jobs.CreateJobsAsync(Told(Request(Alice, T0, claim, Job())), Ct));
        Assert.Equal(count + 1, told.Count);
    }

    [Fact]
    public async Task CreateJobs_ManyConcurrentCreations_AllSucceed_WithUniqueIncreasingIds()
    {
        var requests = Enumerable.Range(0, 64).Select(i => Task.Run(() => Store.Jobs.CreateJobsAsync(
            Request(i % 3 == 0 ? Bob : Alice, T0, new IdempotencyClaim($"k{i}", "h"), [.. Enumerable.Range(0, 1 + i % 4).Select(_ => Job())]), Ct))).ToList();

        var results = await Task.WhenAll(requests);

        var created = results.Select(r => Assert.IsType<CreateJobsResult.Created>(r).Ids).ToList();
        foreach (var ids in created)
        {
            long[] numbers = [.. ids.Select(long.Parse)];
            Assert.Equal(numbers.Order(), numbers);
        }

        var all = created.SelectMany(ids => ids).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.Equal(all.Count, (await AllJobsAsync()).Count);
        Assert.Equal(64, await CountAsync("idempotency_keys"));
    }

    /// <summary>
    /// Starts a creation that holds the write transaction until <c>Release</c> completes, so the creations made
    /// meanwhile queue behind it and share the next batch.
    /// </summary>
    private async Task<(Task<CreateJobsResult> First, TaskCompletionSource Release)> HoldTheWriterAsync()
    {
        var release = new TaskCompletionSource();
        var entered = new TaskCompletionSource();
        var first = ((SqlJobStore)Store.Jobs).CreateJobsAsync(Request(Bob, T0, Job()), async (_, _, _) =>
        {
            entered.SetResult();
            await release.Task;
        }, Ct);
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        return (first, release);
    }
}
