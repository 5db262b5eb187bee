using System.Net;
using System.Text.Json;
using Wharf.Domain.Jobs;
using Wharf.Execution.Tests.Infrastructure;
using static Wharf.Execution.Tests.Infrastructure.TestAgent;

namespace Wharf.Execution.Tests;

/// <summary>Logs: stored per job, rank and stream, read back by line number, and followed live from the first line.</summary>
public sealed class LogTests : IAsyncLifetime
{
    private ExecutionServer _server = null!;

    public async Task InitializeAsync() => _server = await ExecutionServer.StartAsync(options => new()
    {
        LeaseTimeout = options.LeaseTimeout,
        ResendInterval = options.ResendInterval,
        StopGrace = options.StopGrace,
        MaxLogFileBytes = 4096,
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task LinesUploadedByTheAgent_AreReadBack_ByRankStreamAndLineNumber()
    {
        await using var agent = await TestAgent.StartAsync(_server, cpu: 4);
        var id = await _server.SubmitAsync(ExecutionServer.Item(replicas: 2));
        await agent.PollUntilAsync(w => w.Start.Count(a => a.JobId == id) == 2);
        await agent.ReportOkAsync(Started(id, 0), Started(id, 1));

        Assert.Equal(HttpStatusCode.NoContent, (await agent.LogAsync(id, 0, "stdout", "first", "second", "third")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await agent.LogAsync(id, 0, "stderr", "oops")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await agent.LogAsync(id, 1, "stdout", "rank one", "line\nwith a break")).StatusCode);

        var all = await ReadAsync(id, "");
        Assert.Equal(["first", "second", "third"], Texts(all));
        Assert.Equal(3, all.GetProperty("next").GetInt64());
        Assert.Equal(["0/stderr", "0/stdout", "1/stdout"], all.GetProperty("streams").EnumerateArray().Select(s => $"{s.GetProperty("rank").GetInt32()}/{s.GetProperty("stream").GetString()}"));
        Assert.Equal(["second"], Texts(await ReadAsync(id, "&offset=1&limit=1")));
        Assert.Equal(["oops"], Texts(await ReadAsync(id, "&stream=stderr")));
        Assert.Equal(["rank one", "line with a break"], Texts(await ReadAsync(id, "&rank=1")));
        using var hidden = await _server.OtherUser.GetAsync($"api/jobs/logs?id={id}");
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
    }

    [Fact]
    public async Task ABigLog_IsRotated_AndKeepsItsLineNumbers()
    {
        await using var agent = await TestAgent.StartAsync(_server);
        var id = await _server.SubmitAsync(ExecutionServer.Item());
        await agent.StartOfAsync(id);
        await agent.ReportOkAsync(Started(id));

        for (var batch = 0; batch < 20; batch++)
        {
            var lines = Enumerable.Range(batch * 10, 10).Select(i => $"line {i:D4} " + new string('x', 40)).ToArray();
            Assert.Equal(HttpStatusCode.NoContent, (await agent.LogAsync(id, 0, "stdout", lines)).StatusCode);
        }

        var page = await ReadAsync(id, "&limit=10000");
        var first = page.GetProperty("first").GetInt64();
        Assert.True(first > 0, "the oldest lines were rotated away");
        Assert.Equal(200, page.GetProperty("next").GetInt64());
        var texts = Texts(page);
        Assert.Equal(200 - first, texts.Count);
        Assert.StartsWith($"line {first:D4}", texts[0], StringComparison.Ordinal);
        Assert.StartsWith("line 0199", texts[^1], StringComparison.Ordinal);
        Assert.StartsWith("line 0150", Texts(await ReadAsync(id, "&offset=150&limit=1"))[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Follow_SendsTheJob_TheFirstLine_LaterLines_AndTheStateChanges_ThenEnds()
    {
        await using var agent = await TestAgent.StartAsync(_server);
        var id = await _server.SubmitAsync(ExecutionServer.Item());
        await agent.StartOfAsync(id);
        await agent.ReportOkAsync(Started(id));
        await agent.LogAsync(id, 0, "stdout", "the first line", "the second line");

        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/jobs/follow?id={id}");
        using var response = await _server.User.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var events = new ServerSentEvents(reader);

        var job = await events.NextAsync();
        Assert.Equal("job", job.Name);
        Assert.Equal("RUNNING", JsonDocument.Parse(job.Data).RootElement.GetProperty("status").GetProperty("state").GetString());
        Assert.Equal(["the first line", "the second line"], [(await events.NextLogAsync()).Text, (await events.NextLogAsync()).Text]);

        await agent.LogAsync(id, 0, "stdout", "a later line");
        var later = await events.NextLogAsync();
        Assert.Equal(("a later line", 2L), (later.Text, later.Line));

        await agent.ReportOkAsync(Exited(id, 0));
        var status = await events.NextAsync();
        Assert.Equal("status", status.Name);
        Assert.Equal("SUCCESS", JsonDocument.Parse(status.Data).RootElement.GetProperty("status").GetProperty("state").GetString());
        Assert.Equal("end", (await events.NextAsync()).Name);
        Assert.Equal(JobState.Success, (await _server.RetrieveAsync(id)).Status.State);
    }

    [Fact]
    public async Task Follow_OfAnotherProjectsJob_AnswersNotFound()
    {
        var id = await _server.SubmitAsync(ExecutionServer.Item());
        using var response = await _server.OtherUser.GetAsync($"api/jobs/follow?id={id}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private async Task<JsonElement> ReadAsync(string id, string query)
    {
        using var response = await _server.User.GetAsync($"api/jobs/logs?id={id}{query}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static List<string> Texts(JsonElement page) =>
        [.. page.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("text").GetString()!)];
}
