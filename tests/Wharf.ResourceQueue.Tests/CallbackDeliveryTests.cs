using System.Net.Http.Json;
using System.Text.Json;
using Wharf.Domain.Serialization;
using Wharf.ResourceQueue.Tests.Infrastructure;

namespace Wharf.ResourceQueue.Tests;

/// <summary>The callback outbox: signed, retried until a 2xx, durable across a server restart, visible through the API.</summary>
public sealed class CallbackDeliveryTests
{
    [Fact]
    public async Task AReceiverThatIsDown_StillGetsEveryCallback_WhenBack_AcrossAServerRestart()
    {
        await using var server = await QueueServer.StartAsync();
        await using var receiver = CallbackReceiver.Reserve(); // not listening yet: every attempt is refused
        receiver.Key = () => server.CallbackKey;
        await server.DeclareNodeAsync("hv1", "vm", cpu: 2);
        var first = await server.CreateAsync("vm", "r1", receiver.Url);
        await server.CreateAsync("vm", "r2", receiver.Url);
        var firstId = first.GetProperty("ID").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);

        // Both are admitted; their callbacks fail and wait for another attempt, as the API shows.
        var failing = await WaitForCallbacksAsync(server, firstId, c => c.Any(x => x.GetProperty("attempts").GetInt32() >= 2));
        Assert.Equal("pending", failing[0].GetProperty("state").GetString());
        Assert.True(failing[0].TryGetProperty("lastError", out _));

        // The server goes down with them undelivered; a new one on the same data carries on.
        await server.RestartAsync();
        await server.UpdateAsync("vm", "r1", new { status = "done" });
        receiver.Start();
        var deliveries = await receiver.WaitForAsync(
            d => d.Count(x => x.Event == "job.running") == 2 && d.Any(x => x.Event == "job.success"), "every callback");
        Assert.All(deliveries, d => Assert.True(d.SignatureValid, $"signature of {d.DeliveryId}"));
        Assert.Equal(["r1", "r2"], deliveries.Where(x => x.Event == "job.running").Select(x => x.RequestId).Order());

        var delivered = await WaitForCallbacksAsync(server, firstId, c => c.Count == 2 && c.All(x => x.GetProperty("state").GetString() == "delivered"));
        Assert.Equal(deliveries.Where(d => d.RequestId == "r1").Select(d => d.DeliveryId).Order(), delivered.Select(c => c.GetProperty("deliveryId").GetString()).Order());
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(Path.Combine(server.DataDirectory, "callback.secret"));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
        }
    }

    [Fact]
    public async Task ANativeJobWithACallback_IsCalledBackWhenItEndsInSuccess()
    {
        await using var server = await QueueServer.StartAsync();
        await using var receiver = CallbackReceiver.Reserve();
        receiver.Key = () => server.CallbackKey;
        receiver.Start();
        var item = new Dictionary<string, object?>
        {
            ["application"] = new { name = "worker", version = "1.0" },
            ["product"] = new { id = "small", category = "compute", provider = "test" },
            ["callback"] = receiver.Url,
        };
        var response = await server.User.PostAsJsonAsync("api/jobs", new { items = new[] { item } }, WharfJson.Options);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        var id = JsonDocument.Parse(body).RootElement.GetProperty("responses")[0].GetProperty("id").GetString()!;

        // No agent, so it waits; terminating it ends it in SUCCESS.
        var terminated = await server.User.PostAsJsonAsync("api/jobs/terminate", new { items = new[] { new { id } } }, WharfJson.Options);
        Assert.True(terminated.IsSuccessStatusCode, await terminated.Content.ReadAsStringAsync());
        var deliveries = await receiver.WaitForAsync(d => d.Any(x => x.Event == "job.success"), "the SUCCESS callback");
        var success = deliveries.Single(x => x.Event == "job.success");
        Assert.True(success.SignatureValid);
        Assert.Equal(id, success.JobId);
        Assert.Equal("SUCCESS", success.Body.GetProperty("job").GetProperty("status").GetProperty("state").GetString());
        Assert.Equal(success.DeliveryId, success.Body.GetProperty("deliveryId").GetString());

        // Other projects cannot read its callbacks.
        Assert.Equal(404, (int)(await server.OtherUser.GetAsync($"api/jobs/callbacks?id={id}")).StatusCode);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("ftp://example.org/hook")]
    [InlineData("/relative/hook")]
    public async Task ANativeJobWithACallbackThatIsNotAnAbsoluteHttpUrl_IsRefused(string callback)
    {
        await using var server = await QueueServer.StartAsync();
        var item = new Dictionary<string, object?>
        {
            ["application"] = new { name = "worker", version = "1.0" },
            ["product"] = new { id = "small", category = "compute", provider = "test" },
            ["callback"] = callback,
        };
        var response = await server.User.PostAsJsonAsync("api/jobs", new { items = new[] { item } }, WharfJson.Options);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("invalid_callback", body, StringComparison.Ordinal);
    }

    private static async Task<List<JsonElement>> WaitForCallbacksAsync(QueueServer server, string jobId, Func<List<JsonElement>, bool> condition)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(10);
        while (true)
        {
            var response = await server.User.GetAsync($"api/jobs/callbacks?id={jobId}");
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, body);
            var items = JsonDocument.Parse(body).RootElement.GetProperty("items").EnumerateArray().Select(e => e.Clone()).ToList();
            if (condition(items))
            {
                return items;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"callbacks of job {jobId} never met the condition: {body}");
            await Task.Delay(50);
        }
    }
}
