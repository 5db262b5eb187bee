using Wharf.Domain.Jobs;
using static Wharf.Storage.Tests.JobRequests;

namespace Wharf.Storage.Tests;

public abstract partial class StoreContractTests
{
    private static CallbackMessage Message(Job job, string deliveryId) =>
        new(deliveryId, job.Id, "http://127.0.0.1:9/hook", "job.running", $$"""{"id":"{{job.Id}}"}""");

    [Fact]
    public async Task TrySave_WritesTheChangesCallbacksToTheOutbox_InTheSameTransaction()
    {
        var job = await GetAsync(Assert.Single(await CreateAsync(Alice, T0, Job())));
        var start = job.Apply(JobTransitions.Start, T0.AddSeconds(1)) with { Callbacks = [Message(job, "d-1")] };
        Assert.True(await Store.Jobs.TrySaveAsync(start, Ct));

        var stale = job.Apply(JobTransitions.Start, T0.AddSeconds(2)) with { Callbacks = [Message(job, "d-stale")] };
        Assert.False(await Store.Jobs.TrySaveAsync(stale, Ct));

        // A bulk save that fails keeps none of its messages either.
        var running = await GetAsync(job.Id);
        var other = await GetAsync(Assert.Single(await CreateAsync(Alice, T0, Job())));
        var bulk = new[]
        {
            running.Apply(JobTransitions.Terminate, T0.AddSeconds(3)) with { Callbacks = [Message(running, "d-bulk-1")] },
            other.Apply(JobTransitions.Cancel, T0.AddSeconds(3)),
            job.Apply(JobTransitions.Start, T0.AddSeconds(3)), // stale: the whole batch is refused
        };
        Assert.False(await Store.Jobs.TrySaveAllAsync(bulk, Ct));

        var messages = await Store.Callbacks.ListForJobAsync(job.Id, Ct);
        var message = Assert.Single(messages);
        Assert.Equal("d-1", message.DeliveryId);
        Assert.Equal(job.Id, message.JobId);
        Assert.Equal($$"""{"id":"{{job.Id}}"}""", message.Payload);
        Assert.Equal(0, message.Attempts);
        Assert.Null(message.DeliveredAt);
        Assert.Equal(T0.AddSeconds(1), message.CreatedAt);
    }

    [Fact]
    public async Task Outbox_ListsDueMessagesOldestFirst_AndRecordsFailedAndDeliveredAttempts()
    {
        var ids = await CreateAsync(Alice, T0, Job(), Job());
        var first = await GetAsync(ids[0]);
        var second = await GetAsync(ids[1]);
        Assert.True(await Store.Jobs.TrySaveEachAsync(
            [
                first.Apply(JobTransitions.Start, T0.AddSeconds(1)) with { Callbacks = [Message(first, "a")] },
                second.Apply(JobTransitions.Start, T0.AddSeconds(2)) with { Callbacks = [Message(second, "b")] },
            ], Ct) is [true, true]);

        Assert.Equal(["a", "b"], (await Store.Callbacks.ListDueAsync(T0.AddSeconds(5), 10, Ct)).Select(m => m.DeliveryId));
        Assert.Equal(["a"], (await Store.Callbacks.ListDueAsync(T0.AddSeconds(1), 10, Ct)).Select(m => m.DeliveryId));
        Assert.Equal(T0.AddSeconds(1), await Store.Callbacks.NextDueAsync(Ct));

        await Store.Callbacks.RecordAttemptAsync("a", null, T0.AddSeconds(60), null, "connection refused", Ct);
        await Store.Callbacks.RecordAttemptAsync("b", T0.AddSeconds(3), T0.AddSeconds(3), 204, null, Ct);

        Assert.Empty(await Store.Callbacks.ListDueAsync(T0.AddSeconds(59), 10, Ct));
        Assert.Equal(T0.AddSeconds(60), await Store.Callbacks.NextDueAsync(Ct));
        var a = Assert.Single(await Store.Callbacks.ListDueAsync(T0.AddSeconds(60), 10, Ct));
        Assert.Equal((1, "connection refused", (DateTimeOffset?)null), (a.Attempts, a.LastError, a.DeliveredAt));
        var b = Assert.Single(await Store.Callbacks.ListForJobAsync(second.Id, Ct));
        Assert.Equal((1, 204, (DateTimeOffset?)T0.AddSeconds(3)), (b.Attempts, b.LastStatus, b.DeliveredAt));

        // A delivered message is never attempted again, even if a late attempt is recorded for it.
        await Store.Callbacks.RecordAttemptAsync("b", null, T0, 500, "late", Ct);
        Assert.Equal(T0.AddSeconds(3), (await Store.Callbacks.ListForJobAsync(second.Id, Ct))[0].DeliveredAt);
        await Store.Callbacks.RecordAttemptAsync("a", T0.AddSeconds(61), T0.AddSeconds(61), 200, null, Ct);
        Assert.Null(await Store.Callbacks.NextDueAsync(Ct));
    }

    [Fact]
    public async Task CreateJobs_RefusesAKeyThatIsTaken_InItsScope_AndFindsJobsByKey()
    {
        var key = new JobKey("resource-queue/vm", "d");
        var id = Assert.Single(await CreateAsync(Alice, T0, Job() with { Key = key }));
        Assert.Equal(id, await Store.Jobs.FindJobByKeyAsync(key, Ct));
        Assert.Null(await Store.Jobs.FindJobByKeyAsync(key with { Scope = "resource-queue/kube" }, Ct));

        var again = await Store.Jobs.CreateJobsAsync(Request(Carol, T0, Job(), Job() with { Key = key }), Ct);
        Assert.Equal(new CreateJobsResult.KeyTaken(1, id), again);
        var twice = await Store.Jobs.CreateJobsAsync(Request(Alice, T0, Job() with { Key = key with { Key = "e" } }, Job() with { Key = key with { Key = "e" } }), Ct);
        Assert.IsType<CreateJobsResult.KeyTaken>(twice);
        Assert.Single(await AllJobsAsync());

        Assert.IsType<CreateJobsResult.Created>(await Store.Jobs.CreateJobsAsync(Request(Alice, T0, Job() with { Key = key with { Scope = "resource-queue/kube" } }), Ct));
    }
}
