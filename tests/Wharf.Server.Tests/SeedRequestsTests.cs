using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Wharf.Server.Tests.Infrastructure;
using Wharf.Testing;

namespace Wharf.Server.Tests;

/// <summary>Seed 000's two curl requests, sent byte for byte as curl sends them, headers included.</summary>
public sealed class SeedRequestsTests
{
    [Fact]
    public async Task SeedRequests_AreAcceptedVerbatim_AndBothJobsAreRetrievable()
    {
        await using var server = await WharfTestServer.StartAsync();
        var token = await server.UserTokenAsync();

        var (status, answer) = await CurlPostAsync(server.Host.BaseAddress, token, Seed000.DatabaseBody);
        Assert.True(status == 200, answer);
        var databaseId = SingleId(answer);

        // The second request names the first job as its peer; the seed's "4101" becomes the id the server gave.
        var (status2, answer2) = await CurlPostAsync(server.Host.BaseAddress, token, Seed000.WebAppBody.Replace("\"4101\"", $"\"{databaseId}\"", StringComparison.Ordinal));
        Assert.True(status2 == 200, answer2);
        var webAppId = SingleId(answer2);
        Assert.NotEqual(databaseId, webAppId);

        using var database = await server.GetAsync($"/api/jobs/retrieve?id={databaseId}", token);
        using var databaseJob = JsonDocument.Parse(await database.Content.ReadAsStringAsync());
        var job = databaseJob.RootElement;
        Assert.Equal(databaseId, job.GetProperty("id").GetString());
        Assert.Equal("alice", job.GetProperty("owner").GetProperty("createdBy").GetString());
        Assert.Equal("project-a", job.GetProperty("owner").GetProperty("project").GetString());
        Assert.Equal("IN_QUEUE", job.GetProperty("status").GetProperty("state").GetString());
        Assert.Equal("default", job.GetProperty("status").GetProperty("queue").GetString());
        Assert.Equal("/123/acme-database", job.GetProperty("specification").GetProperty("parameters").GetProperty("dataStore").GetProperty("path").GetString());
        Assert.Equal(JsonValueKind.Number, job.GetProperty("createdAt").ValueKind);
        Assert.Equal("IN_QUEUE", job.GetProperty("updates")[0].GetProperty("state").GetString());

        using var webApp = await server.GetAsync($"/api/jobs/retrieve?id={webAppId}", token);
        using var webAppJob = JsonDocument.Parse(await webApp.Content.ReadAsStringAsync());
        var peer = webAppJob.RootElement.GetProperty("specification").GetProperty("resources")[0];
        Assert.Equal("database", peer.GetProperty("hostname").GetString());
        Assert.Equal(databaseId, peer.GetProperty("jobId").GetString());
    }

    private static string SingleId(string answer)
    {
        using var document = JsonDocument.Parse(answer);
        var responses = document.RootElement.GetProperty("responses");
        Assert.Equal(1, responses.GetArrayLength());
        return responses[0].GetProperty("id").GetString()!;
    }

    /// <summary>What `curl -XPOST -H "Authorization: Bearer …" -H "Content-Type: content-type: …" "$host/api/jobs" -d '…'` writes.</summary>
    private static async Task<(int Status, string Body)> CurlPostAsync(Uri baseAddress, string token, string body)
    {
        var payload = Encoding.UTF8.GetBytes(body);
        var head = $"POST /api/jobs HTTP/1.1\r\n"
            + $"Host: {baseAddress.Authority}\r\n"
            + "User-Agent: curl/7.88.1\r\n"
            + "Accept: */*\r\n"
            + $"Authorization: Bearer {token}\r\n"
            + $"Content-Type: {Seed000.ContentType}\r\n"
            + $"Content-Length: {payload.Length}\r\n"
            + "Connection: close\r\n"
            + "\r\n";
        using var client = new TcpClient();
        await client.ConnectAsync(baseAddress.Host, baseAddress.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(payload);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync();
        var statusLine = response[..response.IndexOf("\r\n", StringComparison.Ordinal)];
        var status = int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var content = response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
        if (response.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase))
        {
            content = Dechunk(content);
        }

        return (status, content);
    }

    private static string Dechunk(string chunked)
    {
        var result = new StringBuilder();
        var position = 0;
        while (true)
        {
            var end = chunked.IndexOf("\r\n", position, StringComparison.Ordinal);
            var size = Convert.ToInt32(chunked[position..end], 16);
            if (size == 0)
            {
                return result.ToString();
            }

            result.Append(chunked, end + 2, size);
            position = end + 2 + size + 2;
        }
    }
}
