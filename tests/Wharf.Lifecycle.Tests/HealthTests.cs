using System.Globalization;
using System.Text.RegularExpressions;
using Wharf.Domain.Jobs;

namespace Wharf.Lifecycle.Tests;

/// <summary>Health monitoring by a real agent: a check that starts failing leads to restarts with growing delays, then flapping.</summary>
public sealed partial class HealthTests
{
    private const string Catalog = """
        name: sickly
        version: 1.0.0
        command: ["/bin/sh", "-c", "exec sleep 300"]
        healthCheck:
          type: command
          command: [bin/healthy]
          intervalSeconds: 0.2
          timeoutSeconds: 2
          failureThreshold: 2
          maxRestarts: 3
          windowSeconds: 60
        templates:
          - path: bin/healthy
            content: |
              #!/bin/sh
              # Healthy for the first three probes, then never again.
              n=$(cat probes 2>/dev/null || echo 0); n=$((n+1)); echo $n > probes
              [ $n -le 3 ]
        ---
        name: deaf
        version: 1.0.0
        command: ["/bin/sh", "-c", "exec sleep 300"]
        ports: [{name: http}]
        healthCheck: {type: tcp, port: http, intervalSeconds: 0.2, timeoutSeconds: 1, failureThreshold: 2, maxRestarts: 1, windowSeconds: 60}
        """;

    [Fact]
    public async Task HealthCheck_ThatStartsFailing_RestartsWithGrowingDelaysThenFailsAsFlapping()
    {
        await using var cluster = await LifecycleCluster.StartAsync(Catalog);
        var id = await cluster.SubmitAsync("sickly", "1.0.0");
        var job = await cluster.WaitForFinalAsync(id, TimeSpan.FromSeconds(60));

        Assert.Equal(JobState.Failure, job.Status.State);
        Assert.Contains("flapping", job.Status.Reason ?? "", StringComparison.Ordinal);
        var restarts = job.Updates.Select(u => u.Status ?? "").Where(s => s.Contains("unhealthy after 2 failed probes", StringComparison.Ordinal) && s.Contains("started again", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, restarts.Count);
        var delays = restarts.Select(s => long.Parse(Delay().Match(s).Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.True(delays[0] < delays[1] && delays[1] < delays[2], $"delays {string.Join(", ", delays)} do not grow");
        var healthLog = await File.ReadAllTextAsync(Path.Combine(cluster.DataDirectory, "jobs", id, "0", "health.log"));
        Assert.Contains("health exited with code 1", healthLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TcpHealthCheck_OnAPortNobodyListensOn_RestartsOnceThenFailsAsFlapping()
    {
        await using var cluster = await LifecycleCluster.StartAsync(Catalog);
        var id = await cluster.SubmitAsync("deaf", "1.0.0");
        var job = await cluster.WaitForFinalAsync(id, TimeSpan.FromSeconds(60));

        Assert.Equal(JobState.Failure, job.Status.State);
        Assert.Contains("flapping: restarted 1 times", job.Status.Reason ?? "", StringComparison.Ordinal);
        Assert.Contains("tcp probe failed", job.Status.Reason ?? "", StringComparison.Ordinal);
        Assert.Single(job.Updates, u => u.Status?.Contains("started again", StringComparison.Ordinal) == true);
    }

    [GeneratedRegex(@"started again after (\d+) ms")]
    private static partial Regex Delay();
}
