using System.Net;
using System.Text.Json;
using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests;

public sealed class BrowseTests
{
    [Fact]
    public async Task Browse_FollowsNextThroughEveryPage_WithoutRepeats()
    {
        await using var server = await WharfTestServer.StartAsync();
        var token = await server.UserTokenAsync();
        var items = Enumerable.Range(0, 5).Select(i => (object)JobBodies.DatabaseItem($"db{i}", allowDuplicate: true)).ToArray();
        var created = await server.CreateJobsAsync(token, JobBodies.Bulk(items));

        var seen = new List<string>();
        string? next = null;
        var pages = 0;
        do
        {
            var path = "/api/jobs/browse?itemsPerPage=2&sortDirection=ascending" + (next is null ? "" : "&next=" + Uri.EscapeDataString(next));
            using var response = await server.GetAsync(path, token);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, text);
            using var page = JsonDocument.Parse(text);
            Assert.Equal(2, page.RootElement.GetProperty("itemsPerPage").GetInt32());
            seen.AddRange(page.RootElement.GetProperty("items").EnumerateArray().Select(j => j.GetProperty("id").GetString()!));
            next = page.RootElement.TryGetProperty("next", out var token2) && token2.ValueKind == JsonValueKind.String ? token2.GetString() : null;
            pages++;
        }
        while (next is not null && pages < 10);

        Assert.Equal(created, seen);
        Assert.InRange(pages, 3, 4);
    }

    [Fact]
    public async Task Browse_FiltersByStateList()
    {
        await using var server = await WharfTestServer.StartAsync();
        var token = await server.UserTokenAsync();
        var ids = await server.CreateJobsAsync(token, JobBodies.Bulk(JobBodies.DatabaseItem("a", allowDuplicate: true), JobBodies.DatabaseItem("b", allowDuplicate: true)));
        using (await server.PostAsync("/api/jobs/terminate", token, JobBodies.Ids(ids[0])))
        {
        }

        Assert.Equal([ids[0]], await BrowseIdsAsync(server, token, "filterState=SUCCESS"));
        Assert.Equal([ids[1]], await BrowseIdsAsync(server, token, "filterState=IN_QUEUE"));
        Assert.Equal(2, (await BrowseIdsAsync(server, token, "filterState=IN_QUEUE,SUCCESS")).Count);
        Assert.Equal(2, (await BrowseIdsAsync(server, token, "filterApplication=acme-database&filterApplicationVersion=1.0.0")).Count);
        Assert.Empty(await BrowseIdsAsync(server, token, "filterApplication=acme-web-app"));
    }

    [Theory]
    [InlineData("itemsPerPage=0", "itemsPerPage")]
    [InlineData("itemsPerPage=1001", "itemsPerPage")]
    [InlineData("itemsPerPage=ten", "itemsPerPage")]
    [InlineData("itemsPerPage=1&itemsPerPage=2", "itemsPerPage")]
    [InlineData("filterState=BOGUS", "filterState")]
    [InlineData("filterState=IN_QUEUE,", "filterState")]
    [InlineData("sortBy=name", "sortBy")]
    [InlineData("sortDirection=up", "sortDirection")]
    [InlineData("next=not-a-real-token", "next")]
    [InlineData("next=cDEuYy5kLjEuMQ&sortBy=priority", "next")]
    [InlineData("filterAfter=yesterday", "filterAfter")]
    [InlineData("filterBefore=99999999999999999999", "filterBefore")]
    [InlineData("filterApplicationVersion=1.0.0", "filterApplicationVersion")]
    public async Task Browse_RefusesBadParameters_NamingThem(string query, string parameter)
    {
        await using var server = await WharfTestServer.StartAsync();
        var token = await server.UserTokenAsync();

        using var response = await server.GetAsync("/api/jobs/browse?" + query, token);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed", parameter);
    }

    [Theory]
    [InlineData("/api/jobs/retrieve", HttpStatusCode.BadRequest, "validation_failed")]
    [InlineData("/api/jobs/retrieve?id=", HttpStatusCode.BadRequest, "validation_failed")]
    [InlineData("/api/jobs/retrieve?id=abc'--", HttpStatusCode.NotFound, "not_found")]
    [InlineData("/api/jobs/retrieve?id=99999999999999999999999", HttpStatusCode.NotFound, "not_found")]
    [InlineData("/api/jobs/retrieve?id=9999999999999999999", HttpStatusCode.NotFound, "not_found")]
    [InlineData("/api/jobs/retrieve?id=007", HttpStatusCode.NotFound, "not_found")]
    public async Task Retrieve_RefusesMissingOrUnknownIds(string path, HttpStatusCode status, string code)
    {
        await using var server = await WharfTestServer.StartAsync();
        var token = await server.UserTokenAsync();

        using var response = await server.GetAsync(path, token);

        await ProblemAssert.IsProblemAsync(response, status, code, "id");
    }

    private static async Task<List<string>> BrowseIdsAsync(WharfTestServer server, string token, string query)
    {
        using var response = await server.GetAsync("/api/jobs/browse?" + query, token);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        using var page = JsonDocument.Parse(text);
        return [.. page.RootElement.GetProperty("items").EnumerateArray().Select(j => j.GetProperty("id").GetString()!)];
    }
}
