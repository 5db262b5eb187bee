using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Wharf.Tycho.Tests;

/// <summary>
/// The requests the Tycho client (helxplatform/tycho 1.17.3, REST mode) sends, built as its <c>up</c>, <c>list</c> and
/// <c>down</c> build them: principal as JSON text, env as an object of strings, the compose file as JSON, and
/// <c>services</c> derived from the compose ports the way the client derives them.
/// </summary>
internal static class TychoCalls
{
    /// <summary>The keys a status entry may have: the parameters of the client's <c>TychoService</c>.</summary>
    public static readonly string[] StatusKeys =
        ["name", "app_id", "ip_address", "port", "sid", "creation_time", "username", "utilization", "conn_string", "workspace_name", "is_ready"];

    /// <summary>The client's <c>up</c> request for <paramref name="system"/>.</summary>
    public static JsonObject StartBody(string name, JsonObject system, IReadOnlyDictionary<string, string>? env = null)
    {
        // client.up: for each port of each service, int(port.split(':')[1] if ':' in port else port); the last one wins.
        var services = new JsonObject();
        foreach (var (service, definition) in (JsonObject)system["services"]!)
        {
            foreach (var port in definition?["ports"] as JsonArray ?? [])
            {
                var text = port!.GetValue<string>();
                services[service] = new JsonObject { ["port"] = int.Parse(text.Contains(':', StringComparison.Ordinal) ? text.Split(':')[1] : text, System.Globalization.CultureInfo.InvariantCulture) };
            }
        }

        var envObject = new JsonObject();
        foreach (var (key, value) in env ?? new Dictionary<string, string>())
        {
            envObject[key] = value;
        }

        return new JsonObject
        {
            ["name"] = name,
            ["principal"] = """{"username": "renci"}""",
            ["serviceaccount"] = "default",
            ["env"] = envObject,
            ["system"] = system.DeepClone(),
            ["services"] = services,
        };
    }

    /// <summary>Posts <paramref name="body"/> to <c>/system/{service}</c> as the client does (<c>requests.post(json=…)</c>).</summary>
    public static async Task<(HttpStatusCode Status, JsonObject Reply)> PostAsync(HttpClient http, string service, JsonNode body, string? idempotencyKey = null, string query = "")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/system/{service}{query}")
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var reply = JsonNode.Parse(text) as JsonObject ?? throw new InvalidOperationException($"not a JSON object: {text}");
        AssertEnvelope(reply);
        return (response.StatusCode, reply);
    }

    /// <summary>Tycho's envelope: exactly status, result and message (the client passes it as keyword arguments).</summary>
    public static void AssertEnvelope(JsonObject reply) =>
        Assert.Equal(["message", "result", "status"], reply.Select(p => p.Key).Order(StringComparer.Ordinal));

    /// <summary>The status entries of <paramref name="reply"/>, each checked against the keys the client accepts.</summary>
    public static List<JsonObject> Entries(JsonObject reply)
    {
        Assert.Equal("success", (string?)reply["status"]);
        var entries = ((JsonArray)reply["result"]!).Select(e => (JsonObject)e!).ToList();
        foreach (var entry in entries)
        {
            Assert.All(entry.Select(p => p.Key), key => Assert.Contains(key, StatusKeys));
            Assert.All(new[] { "name", "app_id", "ip_address", "port" }, key => Assert.True(entry.ContainsKey(key), $"status entry lacks {key}"));
            foreach (var (_, utilization) in (JsonObject)entry["utilization"]!)
            {
                // The client computes int(memory[:-1]) after dropping 'i', with a unit of M, G, T, P or E.
                Assert.Matches("^[0-9]+[MGTPE]i$", (string?)utilization!["memory"]);
                Assert.Matches("^[0-9]+m?$", (string?)utilization["cpu"]);
            }
        }

        return entries;
    }
}
