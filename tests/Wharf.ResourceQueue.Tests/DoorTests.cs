using System.Text.Json;
using Wharf.ResourceQueue.Tests.Infrastructure;

namespace Wharf.ResourceQueue.Tests;

/// <summary>The door's shapes, filters, uniqueness, auth and faults.</summary>
public sealed class DoorTests
{
    private const string Hook = "http://127.0.0.1:1/hook";

    [Fact]
    public async Task Create_AnswersTheSeedsShape_AndGetWorksWithAndWithoutTrailingSlash()
    {
        await using var server = await QueueServer.StartAsync();
        var created = await server.CreateAsync("kube", "d", Hook, owner: "y");
        foreach (var name in new[] { "ID", "CreatedAt", "UpdatedAt", "DeletedAt", "RequestID", "Type", "OwnerID", "Data", "Callback", "Priority", "Status" })
        {
            Assert.True(created.TryGetProperty(name, out _), name);
        }

        Assert.Equal(JsonValueKind.Null, created.GetProperty("DeletedAt").ValueKind);
        Assert.Equal("kube", created.GetProperty("Type").GetString());
        Assert.Equal("queued", created.GetProperty("Status").GetString());
        Assert.Equal("{\"instances\":[{\"Disk\":1,\"Memory\":512,\"VCPU\":1}],\"project\":\"project id\"}", created.GetProperty("Data").GetString());
        Assert.Equal(created.GetProperty("ID").GetInt64(), (await server.GetAsync("kube", "d")).GetProperty("ID").GetInt64());
        var (status, body) = await QueueServer.SendAsync(server.User, HttpMethod.Get, "v1/kube/d");
        Assert.Equal(200, status);
        Assert.True(body.GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task DuplicateRequestIds_AreRefusedPerType()
    {
        await using var server = await QueueServer.StartAsync();
        await server.CreateAsync("vm", "same", Hook);
        var (status, body) = await QueueServer.SendAsync(server.User, HttpMethod.Post, "v1/vm/",
            new { request_id = "same", owner_id = "o", data = new { instances = new[] { new { VCPU = 1, Memory = 1, Disk = 1 } } }, callback = Hook });
        Assert.Equal(409, status);
        Assert.False(body.GetProperty("ok").GetBoolean());
        Assert.Equal("duplicate_request_id", body.GetProperty("code").GetString());
        await server.CreateAsync("kube", "same", Hook); // another type: its own ids
        Assert.Single(await server.ListAsync("vm"));
    }

    [Fact]
    public async Task OwnerAndStatusFilters_ReturnExactlyTheMatchingJobs_OfTheCallersProjectOnly()
    {
        await using var server = await QueueServer.StartAsync();
        await server.DeclareNodeAsync("hv1", "vm", cpu: 1);
        await server.CreateAsync("vm", "x1", Hook, owner: "x");
        await server.CreateAsync("vm", "x2", Hook, owner: "x");
        await server.CreateAsync("vm", "y1", Hook, owner: "y");
        await server.CreateAsync("vm", "b1", Hook, owner: "x", client: server.OtherUser);
        var deadline = DateTimeOffset.UtcNow.AddSeconds(10);
        while ((await server.GetAsync("vm", "x1")).GetProperty("Status").GetString() != "running")
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "x1 was not admitted");
            await Task.Delay(20);
        }

        static List<string?> Ids(List<JsonElement> jobs) => [.. jobs.Select(j => j.GetProperty("RequestID").GetString())];
        Assert.Equal(["x1", "x2"], Ids(await server.ListAsync("vm", "?owner_id=x")));
        Assert.Equal(["x2"], Ids(await server.ListAsync("vm", "?owner_id=x&status=queued")));
        Assert.Equal(["x1"], Ids(await server.ListAsync("vm", "?status=running")));
        Assert.Equal(["y1"], Ids(await server.ListAsync("vm", "?owner_id=y")));
        Assert.Empty(await server.ListAsync("vm", "?owner_id=z"));
        Assert.Equal(["b1"], Ids(await server.ListAsync("vm", "", server.OtherUser)));
        Assert.Equal(404, (await QueueServer.SendAsync(server.OtherUser, HttpMethod.Get, "v1/vm/x1/")).Status);
        var priorities = (await server.ListAsync("vm")).Select(j => j.GetProperty("Priority").GetInt64()).ToList();
        Assert.Equal(priorities.Order(), priorities);
    }

    [Theory]
    [InlineData("""{"owner_id":"o","data":{"instances":[{"VCPU":1,"Memory":1,"Disk":1}]}}""", 400, "required", "request_id")]
    [InlineData("""{"request_id":"","data":{"instances":[{"VCPU":1,"Memory":1,"Disk":1}]}}""", 400, "required", "request_id")]
    [InlineData("""{"request_id":"r","data":"not an object"}""", 400, "malformed_data", "data")]
    [InlineData("""{"request_id":"r","data":{"instances":[]}}""", 400, "malformed_data", "data.instances")]
    [InlineData("""{"request_id":"r","data":{"instances":[{"VCPU":"one","Memory":1,"Disk":1}]}}""", 400, "malformed_data", "data.instances[0].VCPU")]
    [InlineData("""{"request_id":"r","data":{"instances":[{"VCPU":1,"Memory":-1,"Disk":1}]}}""", 400, "malformed_data", "data.instances[0].Memory")]
    [InlineData("""{"request_id":"r","data":{"instances":[{"VCPU":1,"Memory":1,"Disk":1}]},"callback":"abc"}""", 400, "invalid_callback", "callback")]
    [InlineData("""{"request_id":"r","data":{"instances":[{"VCPU":1,"Memory":1,"Disk":1}]},"callback":"ftp://h/x"}""", 400, "invalid_callback", "callback")]
    [InlineData("""{"request_id": """, 400, "malformed_json", null)]
    public async Task BadCreates_AreRefusedWithOkFalse_NamingTheFault(string request, int expectedStatus, string code, string? field)
    {
        await using var server = await QueueServer.StartAsync();
        var (status, body) = await QueueServer.SendAsync(server.User, HttpMethod.Post, "v1/vm/", request);
        Assert.Equal(expectedStatus, status);
        Assert.False(body.GetProperty("ok").GetBoolean());
        Assert.Equal(code, body.GetProperty("code").GetString());
        if (field is not null)
        {
            Assert.Equal(field, body.GetProperty("field").GetString());
            Assert.Contains(field, body.GetProperty("error").GetString(), StringComparison.Ordinal);
        }

        Assert.Empty(await server.ListAsync("vm"));
    }

    [Fact]
    public async Task BadUpdates_AndUnknownJobs_AreRefusedWithOkFalse()
    {
        await using var server = await QueueServer.StartAsync();
        await server.CreateAsync("vm", "r", Hook);
        var cases = new (string Body, int Status, string Code)[]
        {
            ("""{"status":"paused"}""", 400, "unknown_status"),
            ("""{"priority":1.5}""", 400, "wrong_type"),
            ("""{}""", 400, "invalid_update"),
            ("""{"status":"running"}""", 409, "invalid_transition"),
        };
        foreach (var (request, expected, code) in cases)
        {
            var (status, body) = await QueueServer.SendAsync(server.User, HttpMethod.Post, "v1/vm/r", request);
            Assert.Equal(expected, status);
            Assert.False(body.GetProperty("ok").GetBoolean());
            Assert.Equal(code, body.GetProperty("code").GetString());
        }

        Assert.Equal(400, (await QueueServer.SendAsync(server.User, HttpMethod.Get, "v1/vm/?status=paused")).Status);
        Assert.Equal(404, (await QueueServer.SendAsync(server.User, HttpMethod.Get, "v1/vm/nope/")).Status);
        Assert.Equal(404, (await QueueServer.SendAsync(server.User, HttpMethod.Delete, "v1/vm/nope")).Status);

        using var anonymous = new HttpClient { BaseAddress = server.Host.BaseAddress };
        Assert.Equal(401, (int)(await anonymous.GetAsync("v1/vm/")).StatusCode);
    }
}
