using System.Text.Json;
using Wharf.Domain.Jobs;
using Wharf.ResourceQueue.Tests.Infrastructure;

namespace Wharf.ResourceQueue.Tests;

/// <summary>Admission through the resource-queue door: capacity held and released, order, callbacks on a real receiver.</summary>
public sealed class AdmissionTests
{
    [Fact]
    public async Task PoolSmallerThanDemand_AdmitsInPriorityOrder_AndMovingToTheFrontChangesWhoIsNext()
    {
        await using var server = await QueueServer.StartAsync();
        await using var receiver = CallbackReceiver.Reserve();
        receiver.Key = () => server.CallbackKey;
        receiver.Start();
        await server.DeclareNodeAsync("hv1", "vm", cpu: 1);
        await server.DeclareNodeAsync("kube1", "kube", cpu: 8); // another pool: never used by type vm

        foreach (var name in new[] { "a", "b", "c", "d" })
        {
            await server.CreateAsync("vm", name, receiver.Url);
        }

        await receiver.WaitForAsync(d => d.Any(x => x.Event == "job.running"), "the first admission");
        Assert.Equal("running", (await server.GetAsync("vm", "a")).GetProperty("Status").GetString());
        Assert.Equal("queued", (await server.GetAsync("vm", "b")).GetProperty("Status").GetString());

        // d to the front, as the seed says: below the smallest priority of the queue.
        var queued = await server.ListAsync("vm", "?status=queued");
        Assert.Equal(["b", "c", "d"], queued.Select(j => j.GetProperty("RequestID").GetString()));
        await server.UpdateAsync("vm", "d", new { priority = queued.Min(j => j.GetProperty("Priority").GetInt64()) - 1 });

        // Each release admits the next: d (moved to the front), then b, then c.
        await server.UpdateAsync("vm", "a", new { status = "done" });
        await receiver.WaitForAsync(d => d.Count(x => x.Event == "job.running") == 2, "the second admission");
        var deleted = await QueueServer.SendAsync(server.User, HttpMethod.Delete, "v1/vm/d");
        Assert.Equal(200, deleted.Status);
        await receiver.WaitForAsync(d => d.Count(x => x.Event == "job.running") == 3, "the third admission");
        await server.UpdateAsync("vm", "b", new { status = "done" });
        var deliveries = await receiver.WaitForAsync(d => d.Count(x => x.Event == "job.running") == 4, "the fourth admission");

        Assert.Equal(["a", "d", "b", "c"], deliveries.Where(x => x.Event == "job.running").Select(x => x.RequestId));
        Assert.All(deliveries, d => Assert.True(d.SignatureValid, $"signature of {d.DeliveryId}"));
        var admitted = deliveries.First(x => x.Event == "job.running");
        Assert.Equal(JsonValueKind.Array, admitted.Body.GetProperty("placement").ValueKind);
        Assert.Equal("job.success", deliveries.First(x => x.RequestId == "a" && x.Event != "job.running").Event);

        // A deleted job is gone from the door, released ones show as done; the native API sees the same jobs.
        Assert.Equal(404, (await QueueServer.SendAsync(server.User, HttpMethod.Get, "v1/vm/d/")).Status);
        var all = await server.ListAsync("vm");
        Assert.Equal(["a", "b", "c"], all.Select(j => j.GetProperty("RequestID").GetString()).Order());
        Assert.Equal("running", all.Single(j => j.GetProperty("RequestID").GetString() == "c").GetProperty("Status").GetString());
        var native = await server.RetrieveAsync(all.Single(j => j.GetProperty("RequestID").GetString() == "c").GetProperty("ID").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(JobState.Running, native.Status.State);
        Assert.Single(native.Status.Ranks!);
    }

    [Fact]
    public async Task AJobOfSeveralInstances_IsAdmittedAllAtOnce_WithinItsHostAggregate()
    {
        await using var server = await QueueServer.StartAsync();
        await server.DeclareNodeAsync("hv1", "vm", cpu: 2, aggregate: "host1");
        await server.DeclareNodeAsync("hv2", "vm", cpu: 4, aggregate: "host2");
        var (status, body) = await QueueServer.SendAsync(server.User, HttpMethod.Post, "v1/vm/", new
        {
            request_id = "gang",
            owner_id = "x",
            data = new
            {
                host_aggregate = "host1",
                instances = new[] { new { VCPU = 1, Memory = 1, Disk = 1 }, new { VCPU = 1, Memory = 1, Disk = 1 }, new { VCPU = 1, Memory = 1, Disk = 1 } },
            },
        });
        Assert.Equal(200, status);
        Assert.Equal("{\"host_aggregate\":\"host1\",\"instances\":[{\"Disk\":1,\"Memory\":1,\"VCPU\":1},{\"Disk\":1,\"Memory\":1,\"VCPU\":1},{\"Disk\":1,\"Memory\":1,\"VCPU\":1}]}",
            body.GetProperty("data").GetProperty("Data").GetString());

        // Three cores on an aggregate of two: nothing is held; another aggregate with room does not count.
        await Task.Delay(300);
        Assert.Equal("queued", (await server.GetAsync("vm", "gang")).GetProperty("Status").GetString());
        await server.DeclareNodeAsync("hv1", "vm", cpu: 3, aggregate: "host1");
        var deadline = DateTimeOffset.UtcNow.AddSeconds(10);
        while ((await server.GetAsync("vm", "gang")).GetProperty("Status").GetString() != "running")
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "the job was not admitted once its aggregate had room");
            await Task.Delay(20);
        }

        var job = await server.RetrieveAsync((await server.GetAsync("vm", "gang")).GetProperty("ID").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(3, job.Status.Ranks!.Count);
        Assert.Single(job.Status.Ranks!.Select(r => r.NodeId).Distinct());
    }

    [Fact]
    public async Task MovingBetweenTheSameTwoNeighboursOverAndOver_NeverCollidesNorLosesTheOrder()
    {
        await using var server = await QueueServer.StartAsync(); // no node: everything stays queued
        foreach (var name in new[] { "a", "b", "x", "y" })
        {
            await server.CreateAsync("vm", name, "http://127.0.0.1:1/unused");
        }

        // The client computes the midpoint as resource-queue says, truncating; after a few rounds it equals a neighbour.
        for (var round = 0; round < 40; round++)
        {
            var mover = round % 2 == 0 ? "x" : "y";
            var list = await server.ListAsync("vm");
            var a = list.Single(j => j.GetProperty("RequestID").GetString() == "a").GetProperty("Priority").GetInt64();
            var next = list.SkipWhile(j => j.GetProperty("RequestID").GetString() != "a").Skip(1)
                .First(j => j.GetProperty("RequestID").GetString() != mover).GetProperty("Priority").GetInt64();
            await server.UpdateAsync("vm", mover, new { priority = (a + next) / 2 });
            var after = await server.ListAsync("vm");
            var order = after.Select(j => j.GetProperty("RequestID").GetString()).ToList();
            var other = mover == "x" ? "y" : "x";
            Assert.Equal(round == 0 ? ["a", "x", "b", "y"] : ["a", mover, other, "b"], order);
            var priorities = after.Select(j => j.GetProperty("Priority").GetInt64()).ToList();
            Assert.Equal(priorities.Count, priorities.Distinct().Count());
        }

        // Back and front.
        var current = await server.ListAsync("vm");
        await server.UpdateAsync("vm", "a", new { priority = current.Max(j => j.GetProperty("Priority").GetInt64()) + 1 });
        Assert.Equal("a", (await server.ListAsync("vm"))[^1].GetProperty("RequestID").GetString());
    }
}
