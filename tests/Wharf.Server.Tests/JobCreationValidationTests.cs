using System.Net;
using System.Text;
using System.Text.Json;
using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests;

/// <summary>Malformed and hostile job requests: each a 4xx problem naming the fault, and nothing stored.</summary>
public sealed class JobCreationValidationTests
{
    private const string Valid = """{"application":{"name":"acme-database","version":"1.0.0"},"product":{"id":"example-compute","category":"example-compute","provider":"example"},"parameters":{"dataStore":{"type":"file","path":"/d"}}""";
    private const string Product = """ "product":{"id":"example-compute","category":"example-compute","provider":"example"} """;

    public static TheoryData<string, string, int, string, string> Refused => new()
    {
        { "truncated JSON", """{"items": [""", 400, "malformed_json", "items[0]" },
        { "not JSON", "items=1", 400, "malformed_json", "$" },
        { "empty body", "", 400, "malformed_json", "$" },
        { "JSON null", "null", 400, "malformed_json", "$" },
        { "an array", "[]", 400, "malformed_json", "$" },
        { "items not an array", """{"items": "x"}""", 400, "malformed_json", "items" },
        { "replicas as text", "{\"items\":[" + Valid + ",\"replicas\":\"one\"}]}", 400, "malformed_json", "items[0].replicas" },
        { "replicas beyond int", "{\"items\":[" + Valid + ",\"replicas\":99999999999}]}", 400, "malformed_json", "items[0].replicas" },
        { "application as text", """{"items":[{"application":"acme-database"}]}""", 400, "malformed_json", "items[0].application" },
        { "no items", "{}", 400, "validation_failed", "items" },
        { "zero items", """{"items": []}""", 400, "validation_failed", "items" },
        { "null item", """{"items": [null]}""", 400, "validation_failed", "items[0]" },
        { "no application", "{\"items\":[{" + Product + "}]}", 400, "validation_failed", "items[0].application" },
        { "unknown application", """{"items":[{"application":{"name":"nope","version":"1.0.0"},"product":{"id":"example-compute","category":"example-compute","provider":"example"}}]}""", 400, "validation_failed", "items[0].application.name" },
        { "unknown version", """{"items":[{"application":{"name":"acme-database","version":"9"},"product":{"id":"example-compute","category":"example-compute","provider":"example"}}]}""", 400, "validation_failed", "items[0].application.version" },
        { "unknown product", """{"items":[{"application":{"name":"acme-web-app","version":"1.0.0"},"product":{"id":"x","category":"example-compute","provider":"example"}}]}""", 400, "validation_failed", "items[0].product" },
        { "missing required parameter", """{"items":[{"application":{"name":"acme-database","version":"1.0.0"},"product":{"id":"example-compute","category":"example-compute","provider":"example"}}]}""", 400, "validation_failed", "items[0].parameters.dataStore" },
        { "unknown parameter", "{\"items\":[{\"application\":{\"name\":\"acme-web-app\",\"version\":\"1.0.0\"}," + Product + ",\"parameters\":{\"bogus\":{\"type\":\"text\",\"value\":\"x\"}}}]}", 400, "validation_failed", "items[0].parameters.bogus" },
        { "parameter of wrong type", "{\"items\":[{\"application\":{\"name\":\"acme-database\",\"version\":\"1.0.0\"}," + Product + ",\"parameters\":{\"dataStore\":{\"type\":\"text\",\"value\":\"x\"}}}]}", 400, "validation_failed", "items[0].parameters.dataStore.type" },
        { "integer parameter given text", "{\"items\":[{\"application\":{\"name\":\"calculator\",\"version\":\"2.0\"}," + Product + ",\"parameters\":{\"iterations\":{\"type\":\"integer\",\"value\":\"many\"}}}]}", 400, "validation_failed", "items[0].parameters.iterations.value" },
        { "integer parameter out of range", "{\"items\":[{\"application\":{\"name\":\"calculator\",\"version\":\"2.0\"}," + Product + ",\"parameters\":{\"iterations\":{\"type\":\"integer\",\"value\":5000}}}]}", 400, "validation_failed", "items[0].parameters.iterations.value" },
        { "enumeration not an option", "{\"items\":[{\"application\":{\"name\":\"calculator\",\"version\":\"2.0\"}," + Product + ",\"parameters\":{\"iterations\":{\"type\":\"integer\",\"value\":5},\"mode\":{\"type\":\"enumeration\",\"value\":\"slow\"}}}]}", 400, "validation_failed", "items[0].parameters.mode.value" },
        { "replicas zero", "{\"items\":[" + Valid + ",\"replicas\":0}]}", 400, "validation_failed", "items[0].replicas" },
        { "replicas above the application's maximum", "{\"items\":[" + Valid + ",\"replicas\":2}]}", 400, "validation_failed", "items[0].replicas" },
        { "replicas huge", "{\"items\":[{\"application\":{\"name\":\"acme-web-app\",\"version\":\"1.0.0\"}," + Product + ",\"replicas\":2000000000}]}", 400, "validation_failed", "items[0].replicas" },
        { "bad name", "{\"items\":[" + Valid + ",\"name\":\"my/db; rm -rf\"}]}", 400, "validation_failed", "items[0].name" },
        { "name too long", "{\"items\":[" + Valid + ",\"name\":\"" + new string('a', 201) + "\"}]}", 400, "validation_failed", "items[0].name" },
        { "time allocation zero", "{\"items\":[" + Valid + ",\"timeAllocation\":{\"hours\":0,\"minutes\":0,\"seconds\":0}}]}", 400, "validation_failed", "items[0].timeAllocation" },
        { "time allocation negative", "{\"items\":[" + Valid + ",\"timeAllocation\":{\"hours\":-1,\"minutes\":0,\"seconds\":0}}]}", 400, "validation_failed", "items[0].timeAllocation" },
        { "missing peer", "{\"items\":[{\"application\":{\"name\":\"acme-web-app\",\"version\":\"1.0.0\"}," + Product + ",\"resources\":[{\"type\":\"peer\",\"hostname\":\"database\",\"jobId\":\"999999\"}]}]}", 400, "validation_failed", "items[0].resources[0].jobId" },
        { "peer id not a number", "{\"items\":[{\"application\":{\"name\":\"acme-web-app\",\"version\":\"1.0.0\"}," + Product + ",\"resources\":[{\"type\":\"peer\",\"hostname\":\"database\",\"jobId\":\"1; DROP TABLE jobs\"}]}]}", 400, "validation_failed", "items[0].resources[0].jobId" },
        { "bad queue", "{\"items\":[" + Valid + ",\"queue\":\"NOT A QUEUE\"}]}", 400, "validation_failed", "items[0].queue" },
        { "an inline application", "{\"items\":[" + Valid + ",\"definition\":{\"name\":\"x\",\"version\":\"1\",\"command\":[\"sh\"]}}]}", 400, "validation_failed", "items[0].definition" },
        { "a group membership", "{\"items\":[" + Valid + ",\"group\":{\"groupId\":\"g\",\"component\":\"db\"}}]}", 400, "validation_failed", "items[0].group" },
        { "an external orchestrator", "{\"items\":[" + Valid + ",\"orchestrator\":\"nuvla\"}]}", 400, "validation_failed", "items[0].orchestrator" },
        { "path escaping the file store", "{\"items\":[{\"application\":{\"name\":\"acme-database\",\"version\":\"1.0.0\"}," + Product + ",\"parameters\":{\"dataStore\":{\"type\":\"file\",\"path\":\"/a/../../etc\"}}}]}", 400, "validation_failed", "items[0].parameters.dataStore.path" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Create_RefusesBadRequest_WithProblemNamingTheField_AndStoresNothing(string why, string body, int status, string code, string field)
    {
        await using var server = await WharfTestServer.StartAsync();
        var token = await server.UserTokenAsync();
        await server.CreateJobsAsync(token, JobBodies.Database());

        using var response = await server.PostAsync("/api/jobs", token, body);

        await ProblemAssert.IsProblemAsync(response, (HttpStatusCode)status, code, field);
        Assert.True(await server.CountJobsAsync() == 1, why);
    }

    [Fact]
    public async Task Create_ReportsEveryProblemOfEveryItem_InOneAnswer()
    {
        await using var server = await WharfTestServer.StartAsync();
        var token = await server.UserTokenAsync();
        var body = "{\"items\":[" + Valid + ",\"replicas\":0,\"name\":\"bad/name\"}, {\"application\":{\"name\":\"nope\",\"version\":\"1\"}," + Product + "}]}";

        using var response = await server.PostAsync("/api/jobs", token, body);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed",
            "items[0].replicas", "items[0].name", "items[1].application.name");
        Assert.Contains("unknown_application", ProblemAssert.ErrorCodes(problem));
        Assert.Equal(0, await server.CountJobsAsync());
    }

    [Fact]
    public async Task Create_RefusesMoreThanThousandItems()
    {
        await using var server = await WharfTestServer.StartAsync();
        var token = await server.UserTokenAsync();
        var items = Enumerable.Range(0, 1001).Select(i => (object)JobBodies.DatabaseItem($"db{i}", allowDuplicate: true)).ToArray();

        using var response = await server.PostAsync("/api/jobs", token, JobBodies.Bulk(items));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed", "items");
        Assert.Equal(0, await server.CountJobsAsync());
    }

    [Fact]
    public async Task Create_RefusesDuplicatePeerHostname()
    {
        await using var server = await WharfTestServer.StartAsync();
        var token = await server.UserTokenAsync();
        var database = (await server.CreateJobsAsync(token, JobBodies.Database()))[0];
        var item = JobBodies.WebAppItem(database);
        item["resources"] = new object[]
        {
            new { type = "peer", hostname = "database", jobId = database },
            new { type = "peer", hostname = "database", jobId = database },
        };

        using var response = await server.PostAsync("/api/jobs", token, JobBodies.Bulk(item));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed", "items[0].resources[1].hostname");
        Assert.Equal(1, await server.CountJobsAsync());
    }

    [Fact]
    public async Task Create_RefusesDeeplyNestedJson_AsMalformed()
    {
        await using var server = await WharfTestServer.StartAsync();
        var token = await server.UserTokenAsync();
        var deep = new StringBuilder("{\"items\":[{\"parameters\":{\"p\":{\"type\":\"text\",\"value\":");
        deep.Append('[', 500).Append('1').Append(']', 500).Append("}}}]}");

        using var response = await server.PostAsync("/api/jobs", token, deep.ToString());

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "malformed_json");
        Assert.Contains("depth", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await server.CountJobsAsync());
    }

    [Fact]
    public async Task Create_NamesLineOfMalformedJson()
    {
        await using var server = await WharfTestServer.StartAsync();
        var token = await server.UserTokenAsync();

        using var response = await server.PostAsync("/api/jobs", token, "{\n  \"items\": [\n    {\"replicas\": tru}\n  ]\n}");

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "malformed_json");
        Assert.Contains("line 3", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_RefusesBodyAboveTheLimit_WithLengthOrChunked()
    {
        await using var server = await WharfTestServer.StartAsync(o => new WharfServerOptions
        {
            DataDirectory = o.DataDirectory, Urls = o.Urls, CatalogDirectories = o.CatalogDirectories, MaxRequestBodyBytes = 64 * 1024,
        });
        var token = await server.UserTokenAsync();
        var huge = JobBodies.Database(path: "/" + new string('a', 100 * 1024));

        using (var response = await server.PostAsync("/api/jobs", token, huge))
        {
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        }

        using var chunked = new HttpRequestMessage(HttpMethod.Post, "/api/jobs")
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(huge))),
        };
        chunked.Headers.TransferEncodingChunked = true;
        chunked.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        using (var response = await server.Http.SendAsync(chunked))
        {
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        }

        Assert.Equal(0, await server.CountJobsAsync());
    }

    [Fact]
    public async Task Create_NeverAnswers500_ToMutatedSeedRequests()
    {
        await using var server = await WharfTestServer.StartAsync();
        var token = await server.UserTokenAsync();
        var seed = JobBodies.Database();
        var replacements = new[] { "null", "0", "-1", "true", "\"\"", "[]", "{}", "\"x\"", "1e308", "99999999999999999999", "[null]", "{\"type\":null}" };
        var random = new Random(4101);
        var tokens = new List<(int Start, int Length)>();
        var document = JsonDocument.Parse(seed);
        CollectValueSpans(seed, tokens);

        for (var i = 0; i < 150; i++)
        {
            var (start, length) = tokens[random.Next(tokens.Count)];
            var mutated = string.Concat(seed.AsSpan(0, start), replacements[random.Next(replacements.Length)], seed.AsSpan(start + length));
            using var response = await server.PostAsync("/api/jobs", token, mutated);
            Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode} for {mutated}: {await response.Content.ReadAsStringAsync()}");
        }

        document.Dispose();
    }

    /// <summary>The character spans of every scalar value in a JSON text (strings with their quotes, numbers, literals).</summary>
    private static void CollectValueSpans(string json, List<(int Start, int Length)> spans)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.String or JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null)
            {
                var start = (int)reader.TokenStartIndex;
                var length = reader.TokenType == JsonTokenType.String ? reader.ValueSpan.Length + 2 : reader.ValueSpan.Length;
                spans.Add((start, length));
            }
        }
    }
}
