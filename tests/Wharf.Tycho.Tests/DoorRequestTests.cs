using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Wharf.Tycho.Tests;

/// <summary>Authentication and refused requests at the Tycho door: every refusal keeps the envelope and changes nothing.</summary>
public sealed class DoorRequestTests(TychoCluster cluster) : IClassFixture<TychoCluster>
{
    [Theory]
    [InlineData(null)]
    [InlineData("Basic cmVuY2k6d2hhcmZfbm90YXRva2Vu")] // renci:wharf_notatoken
    [InlineData("Basic cmVuY2k=")] // renci, no colon
    [InlineData("Basic !!!")]
    [InlineData("Bearer wharf_notatoken")]
    public async Task Requests_WithoutAValidToken_Get401_WithABasicChallenge(string? authorization)
    {
        using var http = new HttpClient { BaseAddress = cluster.BaseAddress };
        if (authorization is not null)
        {
            http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        }

        var (code, reply) = await TychoCalls.PostAsync(http, "start", TychoCalls.StartBody("www", Systems.OneServer()));
        using var status = await http.PostAsync("/system/status", new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Unauthorized, code);
        Assert.Equal("error", (string?)reply["status"]);
        Assert.Null(reply["result"]);
        Assert.StartsWith("authorization:", (string?)reply["message"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, status.StatusCode);
        Assert.Equal("Basic realm=\"wharf\"", status.Headers.WwwAuthenticate.ToString());
        var groups = (JsonArray)await cluster.GetNativeAsync("/api/groups", cluster.AdminToken);
        Assert.DoesNotContain(groups, g => (string?)g!["name"] == "www");
    }

    [Fact]
    public async Task BasicCredentials_WithTheTokenAsPassword_AuthenticateAnyUserName_OnTheNativeApiToo()
    {
        var token = await cluster.UserTokenAsync("carol", "basic");
        using var http = cluster.BasicClient(token, user: "anything");

        var (code, reply) = await TychoCalls.PostAsync(http, "status", new JsonObject());
        using var whoami = await http.GetAsync("/api/whoami");

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Empty(TychoCalls.Entries(reply));
        Assert.Equal(HttpStatusCode.OK, whoami.StatusCode);
        Assert.Contains("carol", await whoami.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgentTokens_AreRefused403()
    {
        var agent = (await cluster.Admin.CreateTokenAsync(new Wharf.Client.TokenRequest("agent", "agent-x", null, "tycho", null), default)).Token;
        using var http = cluster.BasicClient(agent);

        var (code, reply) = await TychoCalls.PostAsync(http, "status", new JsonObject());

        Assert.Equal(HttpStatusCode.Forbidden, code);
        Assert.Equal("error", (string?)reply["status"]);
    }

    [Fact]
    public async Task MalformedStart_Is400_NamingEveryBadField_AndCreatesNothing()
    {
        using var http = cluster.BasicClient(await cluster.UserTokenAsync("dave", "malformed"));
        var body = new JsonObject
        {
            ["principal"] = "not json",
            ["env"] = new JsonObject { ["OK"] = "1", ["BAD"] = new JsonArray() },
            ["system"] = 42,
            ["services"] = new JsonObject { ["web"] = new JsonObject { ["port"] = "eighty" } },
        };

        var (code, reply) = await TychoCalls.PostAsync(http, "start", body);

        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Equal("error", (string?)reply["status"]);
        Assert.Null(reply["result"]);
        var message = (string)reply["message"]!;
        foreach (var field in new[] { "name:", "principal:", "env.BAD:", "system:", "services.web.port:" })
        {
            Assert.Contains(field, message, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("env.OK", message, StringComparison.Ordinal);
        var groups = (JsonArray)await cluster.GetNativeAsync("/api/groups", cluster.AdminToken);
        Assert.DoesNotContain(groups, g => (string?)g!["project"] == "malformed");
    }

    [Fact]
    public async Task BadComposeFile_Is400_NamingTheServiceField()
    {
        using var http = cluster.BasicClient(await cluster.UserTokenAsync("dave", "compose"));
        var system = (JsonObject)JsonNode.Parse("""{"services": {"web": {"image": "nginx", "ports": ["80"]}}}""")!;

        var (code, reply) = await TychoCalls.PostAsync(http, "start", TychoCalls.StartBody("web", system));

        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.StartsWith("system.services.web", (string?)reply["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServicesNamingAnUnknownServiceOrPort_Is400()
    {
        using var http = cluster.BasicClient(await cluster.UserTokenAsync("dave", "services"));
        var body = TychoCalls.StartBody("www", Systems.OneServer());
        body["services"] = new JsonObject { ["nope"] = new JsonObject { ["port"] = 80 }, ["www"] = new JsonObject { ["port"] = 81 } };

        var (code, reply) = await TychoCalls.PostAsync(http, "start", body);

        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Contains("services.nope:", (string?)reply["message"], StringComparison.Ordinal);
        Assert.Contains("services.www.port:", (string?)reply["message"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("status", "[1]", "body:")]
    [InlineData("status", "{\"name\": 5}", "name:")]
    [InlineData("delete", "{}", "name:")]
    [InlineData("delete", "{not json", "body:")]
    public async Task MalformedStatusOrDelete_Is400(string service, string body, string field)
    {
        using var http = cluster.BasicClient(await cluster.UserTokenAsync("dave", "other"));
        using var response = await http.PostAsync($"/system/{service}", new StringContent(body, Encoding.UTF8, "application/json"));
        var reply = (JsonObject)JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        TychoCalls.AssertEnvelope(reply);
        Assert.StartsWith(field, (string?)reply["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteOfAnUnknownSid_AnswersError_WithStatus200_AsTychoDoes()
    {
        using var http = cluster.BasicClient(await cluster.UserTokenAsync("dave", "other"));

        var (code, reply) = await TychoCalls.PostAsync(http, "delete", new JsonObject { ["name"] = Guid.NewGuid().ToString("N") });

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("error", (string?)reply["status"]);
        Assert.Null(reply["result"]);
    }

    [Fact]
    public async Task Start_AcceptsEnvAsDotEnvText_AndSystemAsYamlText()
    {
        using var http = cluster.BasicClient(await cluster.UserTokenAsync("erin", "yaml"));
        var body = new JsonObject
        {
            ["name"] = "yaml",
            ["env"] = "PORT_NAME=80\n# a comment\n",
            ["system"] = "services:\n  www:\n    ports: [\"${PORT_NAME}\"]\n    x-wharf:\n      command: [python3, -m, http.server, $$(WHARF_PORT_P80)]\n",
            ["services"] = new JsonObject { ["www"] = new JsonObject { ["port"] = 80 } },
        };

        var (code, reply) = await TychoCalls.PostAsync(http, "start", body);

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.True((string?)reply["status"] == "success", (string?)reply["message"]);
        Assert.True((int)reply["result"]!["containers"]!["www"]!["port-1"]! > 0);
        await TychoCalls.PostAsync(http, "delete", new JsonObject { ["name"] = (string)reply["result"]!["sid"]! });
    }
}
