using System.Formats.Tar;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Wharf.Domain.Jobs;

namespace Wharf.Lifecycle.Tests;

/// <summary>The shipped BOSH job imported through the API and run by a real agent with real processes.</summary>
public sealed class BoshImportTests
{
    private static string ExampleFolder()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "examples", "bosh", "slb-registration-test");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("examples/bosh/slb-registration-test");
    }

    private static byte[] Tar(string folder, Func<string, string, string>? edit = null)
    {
        using var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var path in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
            {
                var name = "slb-registration-test/" + Path.GetRelativePath(folder, path).Replace('\\', '/');
                var text = File.ReadAllText(path);
                text = edit?.Invoke(name, text) ?? text;
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)) });
            }
        }

        return buffer.ToArray();
    }

    private static async Task<HttpResponseMessage> ImportAsync(LifecycleCluster cluster, byte[] tar)
    {
        using var http = new HttpClient { BaseAddress = cluster.Server.BaseAddress };
        using var content = new ByteArrayContent(tar);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-tar");
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/applications/bosh?version=1.0.0") { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", cluster.AdminToken);
        return await http.SendAsync(request);
    }

    private static Dictionary<string, JsonElement> Properties(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!;

    [Fact]
    public async Task ShippedExample_ImportedAndRun_RendersPropertiesIntoConfigAndBinRun()
    {
        await using var cluster = await LifecycleCluster.StartAsync();
        using var response = await ImportAsync(cluster, Tar(ExampleFolder()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var application = await cluster.Admin.RetrieveApplicationAsync("slb-registration-test", "1.0.0", default);
        Assert.Equal(["aliyun_py", "aliyun_python_sdk_slb"], application.Packages);
        Assert.Equal(["./bin/run"], application.Command);

        var id = await cluster.SubmitAsync("slb-registration-test", "1.0.0",
            Properties("""{"access_key": "AK-123", "secret_key": "SK-456", "load_balancer_id": "lb-9"}"""), name: "srt");
        var job = await cluster.WaitForFinalAsync(id);

        var work = cluster.WorkingDirectory(id);
        var config = await File.ReadAllTextAsync(Path.Combine(work, "config", "slb.json"));
        Assert.Contains("\"access_key\": \"AK-123\"", config, StringComparison.Ordinal);
        Assert.Contains("\"region\": \"cn-hangzhou\"", config, StringComparison.Ordinal);
        Assert.Contains("\"load_balancer_id\": \"lb-9\"", config, StringComparison.Ordinal);
        Assert.Contains("\"instance\": \"srt/0\"", config, StringComparison.Ordinal);
        var run = await File.ReadAllTextAsync(Path.Combine(work, "bin", "run"));
        Assert.Contains("ACCESS_KEY='AK-123'", run, StringComparison.Ordinal);
        Assert.True(File.GetUnixFileMode(Path.Combine(work, "bin", "run")).HasFlag(UnixFileMode.UserExecute));
        Assert.True(job.Status.State == JobState.Success, $"job ended {job.Status.State}: {job.Status.Reason}");

        var stdout = await File.ReadAllTextAsync(Path.Combine(cluster.DataDirectory, "jobs", id, "0", "stdout.log"));
        Assert.Contains("registering with load balancer lb-9", stdout, StringComparison.Ordinal);
        Assert.Contains("config/slb.json is in place", stdout, StringComparison.Ordinal);

        // The rendered files are visible through the API, as the agent wrote them.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        var files = await cluster.User.GetRenderedFilesAsync(id, 0, default);
        while (files.Files.Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            files = await cluster.User.GetRenderedFilesAsync(id, 0, default);
        }

        Assert.Equal(["bin/run", "config/slb.json"], files.Files.Select(f => f.Path).Order(StringComparer.Ordinal));
        Assert.Equal(config, files.Files.Single(f => f.Path == "config/slb.json").Content);
    }

    [Fact]
    public async Task ShippedExample_WithoutARequiredProperty_IsRefusedNamingIt()
    {
        await using var cluster = await LifecycleCluster.StartAsync();
        using var response = await ImportAsync(cluster, Tar(ExampleFolder()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var refused = await Assert.ThrowsAsync<Client.WharfApiException>(() =>
            cluster.SubmitAsync("slb-registration-test", "1.0.0", Properties("""{"access_key": 42}""")));
        var fields = refused.Errors.Select(e => (e.Field, e.Code)).ToList();
        Assert.Contains(("items[0].properties.access_key", "invalid_type"), fields);
        Assert.Contains(("items[0].properties.secret_key", "required"), fields);
        Assert.DoesNotContain(fields, f => f.Field.EndsWith("load_balancer_id", StringComparison.Ordinal) || f.Field.EndsWith("region", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BadErbConstruct_IsRefusedWithFileAndLine()
    {
        await using var cluster = await LifecycleCluster.StartAsync();
        var tar = Tar(ExampleFolder(), (name, text) => name.EndsWith("slb.json.erb", StringComparison.Ordinal)
            ? text.Replace("\"region\": \"<%= p(\"region\") %>\"", "\"db\": \"<%= link(\"db\").address %>\"", StringComparison.Ordinal)
            : text);
        using var response = await ImportAsync(cluster, tar);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("templates/slb.json.erb:4:", body, StringComparison.Ordinal);
        Assert.Contains("link(\\u0022db\\u0022).address", body.Replace("\\\"", "\\u0022", StringComparison.Ordinal), StringComparison.Ordinal);
        await Assert.ThrowsAsync<Client.WharfApiException>(() => cluster.Admin.RetrieveApplicationAsync("slb-registration-test", "1.0.0", default));
    }
}
