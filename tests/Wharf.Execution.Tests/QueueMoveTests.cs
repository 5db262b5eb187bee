using System.Net;
using System.Text.Json;
using Wharf.Domain.Jobs;
using Wharf.Domain.Serialization;
using Wharf.Execution.Tests.Infrastructure;

namespace Wharf.Execution.Tests;

/// <summary>Moving waiting jobs in their queue: front, back, before, after — and renumbering when no key fits.</summary>
public sealed class QueueMoveTests : IAsyncLifetime
{
    private ExecutionServer _server = null!;

    public async Task InitializeAsync() => _server = await ExecutionServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Moves_ToTheFront_Back_Before_AndAfter_ChangeTheQueueOrder()
    {
        var ids = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add(await _server.SubmitAsync(ExecutionServer.Item()));
        }

        var (a, b, c, d) = (ids[0], ids[1], ids[2], ids[3]);
        await MoveAsync(d, "front");
        Assert.Equal([d, a, b, c], await OrderAsync());
        await MoveAsync(d, "back");
        Assert.Equal([a, b, c, d], await OrderAsync());
        await MoveAsync(a, "after", c);
        Assert.Equal([b, c, a, d], await OrderAsync());
        await MoveAsync(d, "before", b);
        Assert.Equal([d, b, c, a], await OrderAsync());
        await MoveAsync(c, "before", d);
        Assert.Equal([c, d, b, a], await OrderAsync());
    }

    [Fact]
    public async Task ManyMovesBetweenTheSameTwoJobs_RenumberTheQueue_WithoutCollisionsOrLossOfOrder()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await _server.SubmitAsync(ExecutionServer.Item()));
        }

        // Alternately put the last two between the first two: each move halves the gap, so within ~11 moves of a
        // 1024 gap no whole number fits and the queue must be renumbered, again and again.
        var expected = new List<string>(ids);
        for (var i = 0; i < 40; i++)
        {
            var moving = i % 2 == 0 ? ids[3] : ids[4];
            await MoveAsync(moving, "after", ids[0]);
            expected.Remove(moving);
            expected.Insert(1, moving);
            var order = await OrderAsync();
            Assert.Equal(expected, order);
        }

        var jobs = await Task.WhenAll(ids.Select(id => _server.RetrieveAsync(id)));
        Assert.Equal(jobs.Length, jobs.Select(j => j.Status.Priority).Distinct().Count());
        Assert.Contains(jobs, j => j.Updates.Any(u => u.Status!.StartsWith("Moved after job", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Moves_AreRefused_ForJobsThatDoNotWait_OtherQueues_OrOtherProjects()
    {
        var waiting = await _server.SubmitAsync(ExecutionServer.Item());
        var other = await _server.SubmitAsync(ExecutionServer.Item(queue: "batch"));
        var foreign = await _server.SubmitAsync(ExecutionServer.Item(), _server.OtherUser);
        var ended = await _server.SubmitAsync(ExecutionServer.Item());
        using (var terminate = await _server.PostAsync(_server.User, "api/jobs/terminate", new { items = new[] { new { id = ended } } }))
        {
            Assert.Equal(HttpStatusCode.OK, terminate.StatusCode);
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await Move(waiting, "before", other)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Move(waiting, "before", foreign)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Move(foreign, "front")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await Move(ended, "front")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Move(waiting, "sideways")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Move(waiting, "after")).StatusCode);
    }

    private async Task MoveAsync(string id, string to, string? otherId = null)
    {
        using var response = await Move(id, to, otherId);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private Task<HttpResponseMessage> Move(string id, string to, string? otherId = null) =>
        _server.PostAsync(_server.User, "api/jobs/move", new { id, to, otherId });

    private async Task<List<string>> OrderAsync()
    {
        using var response = await _server.User.GetAsync("api/jobs/browse?filterState=IN_QUEUE&filterQueue=default&sortBy=priority&sortDirection=ascending");
        var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return [.. page.GetProperty("items").EnumerateArray().Select(j => JsonSerializer.Deserialize<Job>(j.GetRawText(), WharfJson.Options)!.Id)];
    }
}
