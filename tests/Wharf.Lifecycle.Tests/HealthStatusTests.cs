using System.Net.Http.Headers;
using System.Text.Json;
using Wharf.Domain.Jobs;

namespace Wharf.Lifecycle.Tests;

/// <summary>Health in the job's status: each rank's health and the job's <c>Healthy</c> condition, as the native API shows them.</summary>
public sealed class HealthStatusTests
{
    private const string Catalog = """
        name: steady
        version: 1.0.0
        command: ["/bin/sh", "-c", "exec sleep 300"]
        healthCheck: {type: command, command: [bin/healthy], intervalSeconds: 0.2, timeoutSeconds: 2, failureThreshold: 2}
        templates:
          - path: bin/healthy
            content: "#!/bin/sh\necho all good\n"
        ---
        name: broken
        version: 1.0.0
        command: ["/bin/sh", "-c", "exec sleep 300"]
        healthCheck: {type: command, command: [bin/healthy], intervalSeconds: 0.2, timeoutSeconds: 2, failureThreshold: 2, maxRestarts: 0}
        templates:
          - path: bin/healthy
            content: "#!/bin/sh\necho cannot reach the database >&2\nexit 3\n"
        ---
        name: wobbly
        version: 1.0.0
        command: ["/bin/sh", "-c", "exec sleep 300"]
        healthCheck: {type: command, command: [bin/healthy], intervalSeconds: 0.2, timeoutSeconds: 2, failureThreshold: 2, maxRestarts: 5}
        templates:
          - path: bin/healthy
            content: |
              #!/bin/sh
              # Probes 3 and 4 fail (the rank is restarted), every other one passes.
              n=$(cat probes 2>/dev/null || echo 0); n=$((n+1)); echo $n > probes
              [ $n -ne 3 ] && [ $n -ne 4 ]
        """;

    [Fact]
    public async Task PassingHealthCheck_ShowsTheRankHealthy_AndConditionTrue_InTheNativeJson_AndShipsItsOutput()
    {
        await using var cluster = await LifecycleCluster.StartAsync(Catalog);
        var id = await cluster.SubmitAsync("steady", "1.0.0");

        var job = await cluster.WaitForAsync(id, j => j.Status.Conditions?.Any(c => c.Type == "Healthy" && c.Status == "True") == true);

        Assert.Equal(JobState.Running, job.Status.State);
        Assert.Equal(RankHealth.Healthy, job.Status.Ranks![0].Health);
        Assert.Contains(job.Updates, u => u.Status == "Rank 0 is healthy");
        var status = (await RetrieveJsonAsync(cluster, id)).GetProperty("status");
        Assert.Equal("healthy", status.GetProperty("ranks")[0].GetProperty("health").GetString());
        var condition = status.GetProperty("conditions")[0];
        Assert.Equal(("Healthy", "True"), (condition.GetProperty("type").GetString(), condition.GetProperty("status").GetString()));
        var shipped = await WaitForLogAsync(cluster, id, "health", "health exited with code 0");
        Assert.Contains("all good", shipped, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailingHealthCheck_ShowsTheRankUnhealthy_AndConditionFalse_NamingRankAndProblem()
    {
        await using var cluster = await LifecycleCluster.StartAsync(Catalog);
        var id = await cluster.SubmitAsync("broken", "1.0.0");

        var job = await cluster.WaitForFinalAsync(id);

        Assert.Equal(JobState.Failure, job.Status.State);
        Assert.Equal(RankHealth.Unhealthy, job.Status.Ranks![0].Health);
        var condition = Assert.Single(job.Status.Conditions!);
        Assert.Equal(("Healthy", "False", "ProbeFailed"), (condition.Type, condition.Status, condition.Reason));
        Assert.Equal("Rank 0 is unhealthy: health exited with code 3", condition.Message);
        Assert.DoesNotContain(job.Updates, u => u.Status == "Rank 0 is healthy");
        var status = (await RetrieveJsonAsync(cluster, id)).GetProperty("status");
        Assert.Equal("unhealthy", status.GetProperty("ranks")[0].GetProperty("health").GetString());
        Assert.Equal("False", status.GetProperty("conditions")[0].GetProperty("status").GetString());
        var shipped = await WaitForLogAsync(cluster, id, "health", "health exited with code 3");
        Assert.Contains("cannot reach the database", shipped, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RankThatRecovers_IsReportedHealthyAgain_AfterItsRestart()
    {
        await using var cluster = await LifecycleCluster.StartAsync(Catalog);
        var id = await cluster.SubmitAsync("wobbly", "1.0.0");

        var job = await cluster.WaitForAsync(
            id, j => j.Updates.Count(u => u.Status == "Rank 0 is healthy") == 2 && j.Status.Conditions?.Any(c => c.Status == "True") == true);

        var story = job.Updates.Select(u => u.Status ?? "").Where(s => s.StartsWith("Rank 0 is", StringComparison.Ordinal) || s.StartsWith("Rank 0 restarted", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, story.Count);
        Assert.Equal("Rank 0 is healthy", story[0]);
        Assert.Equal("Rank 0 is unhealthy: health exited with code 1", story[1]);
        Assert.StartsWith("Rank 0 restarted: unhealthy after 2 failed probes", story[2], StringComparison.Ordinal);
        Assert.Equal("Rank 0 is healthy", story[3]);
        Assert.Equal(RankHealth.Healthy, job.Status.Ranks![0].Health);
    }

    private static async Task<JsonElement> RetrieveJsonAsync(LifecycleCluster cluster, string id)
    {
        using var http = new HttpClient { BaseAddress = cluster.Server.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", cluster.AdminToken);
        using var document = JsonDocument.Parse(await http.GetStringAsync(new Uri($"api/jobs/retrieve?id={id}", UriKind.Relative)));
        return document.RootElement.Clone();
    }

    private static async Task<string> WaitForLogAsync(LifecycleCluster cluster, string id, string stream, string expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        var shipped = "";
        while (!shipped.Contains(expected, StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            var page = await cluster.User.ReadJobLogsAsync(id, 0, stream, 0, null, default);
            shipped = string.Join('\n', page.Lines.Select(l => l.Text));
            await Task.Delay(100);
        }

        return shipped;
    }
}
