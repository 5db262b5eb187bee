using System.Net;
using System.Text.Json;
using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests;

public sealed class CatalogApiTests
{
    [Fact]
    public async Task Catalog_ListsTheLoadedFiles_ToAnyUser()
    {
        await using var server = await WharfTestServer.StartAsync();
        var token = await server.UserTokenAsync();

        using var applications = await server.GetAsync("/api/applications", token);
        using var apps = JsonDocument.Parse(await applications.Content.ReadAsStringAsync());
        var names = apps.RootElement.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("name").GetString()).ToList();
        Assert.Equal(["acme-database", "acme-web-app", "calculator"], names);

        using var calculator = await server.GetAsync("/api/applications/retrieve?name=calculator&version=2.0", token);
        using var calc = JsonDocument.Parse(await calculator.Content.ReadAsStringAsync());
        Assert.Equal("4", calc.RootElement.GetProperty("environment").GetProperty("THREADS").GetString());
        Assert.Equal("batch", calc.RootElement.GetProperty("queue").GetString());

        using var products = await server.GetAsync("/api/products", token);
        using var prods = JsonDocument.Parse(await products.Content.ReadAsStringAsync());
        Assert.Equal(2, prods.RootElement.GetProperty("items").GetArrayLength());

        using var missing = await server.GetAsync("/api/applications/retrieve?name=calculator&version=9", token);
        await ProblemAssert.IsProblemAsync(missing, HttpStatusCode.NotFound, "not_found");
        using var noName = await server.GetAsync("/api/applications/retrieve", token);
        await ProblemAssert.IsProblemAsync(noName, HttpStatusCode.BadRequest, "validation_failed", "name", "version");
    }

    [Fact]
    public async Task RegisterApplication_AsYaml_MakesItUsableByJobsAtOnce()
    {
        await using var server = await WharfTestServer.StartAsync();
        var token = await server.UserTokenAsync();
        const string yaml = """
            name: hello
            version: 1.10
            command: [echo, "{{parameters.greeting}}"]
            parameters:
              - name: greeting
                type: text
            """;

        using var registered = await server.SendAsync(HttpMethod.Post, "/api/applications", server.AdminToken, yaml, "application/yaml");
        var text = await registered.Content.ReadAsStringAsync();
        Assert.True(registered.StatusCode == HttpStatusCode.OK, text);
        using (var stored = JsonDocument.Parse(text))
        {
            Assert.Equal("1.10", stored.RootElement.GetProperty("version").GetString());
        }

        var body = JobBodies.Bulk(new Dictionary<string, object?>
        {
            ["application"] = new { name = "hello", version = "1.10" },
            ["product"] = JobBodies.Product,
            ["parameters"] = new { greeting = new { type = "text", value = "hi" } },
        });
        Assert.Single(await server.CreateJobsAsync(token, body));
    }

    [Fact]
    public async Task RegisterApplication_NamesEveryProblem_WithYamlLines()
    {
        await using var server = await WharfTestServer.StartAsync();
        const string yaml = """
            name: Bad Name
            version: "1"
            command: []
            parameters:
              - name: 1st
                type: texte
              - name: choice
                type: enumeration
              - name: choice
                type: integer
                min: 5
                max: 1
            ports:
              - name: web
              - name: web
            """;

        using var response = await server.SendAsync(HttpMethod.Post, "/api/applications", server.AdminToken, yaml, "text/yaml; charset=utf-8");

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed",
            "name", "command", "parameters[0].name", "parameters[0].type", "parameters[1].options", "parameters[2].name", "parameters[2].min", "ports[1].name");
        var typeError = problem.GetProperty("errors").EnumerateArray().First(e => e.GetProperty("field").GetString() == "parameters[0].type");
        Assert.StartsWith("line 6:", typeError.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(await server.Store.Catalog.ListApplicationsAsync(CancellationToken.None), a => a.Version == "1");
    }

    [Theory]
    [InlineData("name: x\nversion: [1\n", "malformed_yaml")]
    [InlineData("name: x\n  version: 1\n bad", "malformed_yaml")]
    [InlineData("a: &a [*a, *a]\n", "malformed_yaml")]
    [InlineData("- just\n- a list\n", "malformed_document")]
    [InlineData("name: x\nversion: 1\ncommand: [x]\nparamters: []\n", "unknown_field")]
    [InlineData("kind: product\nname: x\n", "wrong_kind")]
    [InlineData("name: a\nversion: 1\ncommand: [x]\n---\nname: b\nversion: 1\ncommand: [x]\n", "one_document")]
    public async Task RegisterApplication_RefusesUnreadableYaml(string yaml, string code)
    {
        await using var server = await WharfTestServer.StartAsync();

        using var response = await server.SendAsync(HttpMethod.Post, "/api/applications", server.AdminToken, yaml, "application/x-yaml");

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.Contains(code, ProblemAssert.ErrorCodes(problem));
    }

    [Fact]
    public async Task RegisterApplication_AsJson_RefusesMalformedJsonWithLine()
    {
        await using var server = await WharfTestServer.StartAsync();

        using var response = await server.PostAsync("/api/applications", server.AdminToken, "{\n\"name\": \"x\",\n\"version\": }");

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "malformed_json");
        Assert.Contains("line 3", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RegisterProduct_ValidatesResources_AndAcceptsAGoodOne()
    {
        await using var server = await WharfTestServer.StartAsync();

        using var bad = await server.PostAsync("/api/products", server.AdminToken, """{"id":"","category":"c","cpu":0,"memoryInGigs":-1,"gpu":-2}""");
        await ProblemAssert.IsProblemAsync(bad, HttpStatusCode.BadRequest, "validation_failed", "id", "provider", "cpu", "memoryInGigs", "gpu");
        using var wrongType = await server.PostAsync("/api/products", server.AdminToken, """{"id":"x","category":"c","provider":"p","cpu":"lots"}""");
        await ProblemAssert.IsProblemAsync(wrongType, HttpStatusCode.BadRequest, "validation_failed", "cpu");

        using var good = await server.SendAsync(HttpMethod.Post, "/api/products", server.AdminToken,
            "id: gpu-node\ncategory: gpu\nprovider: example\ncpu: 16\nmemoryInGigs: 64\ngpu: 2\n", "application/yaml");
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        var token = await server.UserTokenAsync();
        using var list = await server.GetAsync("/api/products", token);
        Assert.Contains("gpu-node", await list.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
