using System.Text;
using Wharf.Domain.Jobs;
using Xunit.Abstractions;

namespace Wharf.EndToEnd.Tests;

/// <summary>Real processes through the whole path: exit codes, expiry and extend, terminate, logs from the first line.</summary>
public sealed class LifecycleTests(ITestOutputHelper output) : IAsyncLifetime
{
    private WharfCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await WharfCluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task ExitCodes_MapToSuccessAndFailure()
    {
        var ok = await _cluster.RunScriptAsync("echo fine; exit 0");
        var bad = await _cluster.RunScriptAsync("echo broken >&2; exit 3");

        var success = await _cluster.WaitForFinalAsync(ok);
        var failure = await _cluster.WaitForFinalAsync(bad);

        Assert.Equal(JobState.Success, success.Status.State);
        Assert.Equal(JobState.Failure, failure.Status.State);
        Assert.Equal(3, failure.Status.ExitCode);
        Assert.Contains(failure.Updates, u => u.State == JobState.Running);
    }

    [Fact]
    public async Task ShortTimeAllocation_EndsExpired()
    {
        var id = await _cluster.RunScriptAsync("sleep 60", time: new SimpleDuration(0, 0, 2));

        var job = await _cluster.WaitForFinalAsync(id, TimeSpan.FromSeconds(20));

        Assert.Equal(JobState.Expired, job.Status.State);
        var ran = job.Updates[^1].Timestamp - job.Status.StartedAt!.Value;
        Assert.InRange(ran.TotalSeconds, 1.9, 15);
    }

    [Fact]
    public async Task Extend_DelaysTheExpiry()
    {
        var id = await _cluster.RunScriptAsync("sleep 60", time: new SimpleDuration(0, 0, 2));
        var running = await _cluster.WaitForStateAsync(id, JobState.Running);

        await _cluster.User.ExtendAsync(id, new SimpleDuration(0, 0, 3), default);
        var job = await _cluster.WaitForFinalAsync(id, TimeSpan.FromSeconds(30));

        Assert.Equal(JobState.Expired, job.Status.State);
        Assert.Equal(running.Status.StartedAt!.Value.AddSeconds(5), job.Status.ExpiresAt);
        Assert.True(job.Updates[^1].Timestamp >= job.Status.ExpiresAt!.Value, "expired before the extended deadline");
    }

    [Fact]
    public async Task Terminate_StopsTheProcesses_AndEndsSuccess()
    {
        var id = await _cluster.RunScriptAsync("echo $$ > pid; sleep 300 & echo $! > child; wait");
        await _cluster.WaitForStateAsync(id, JobState.Running);
        var work = Directory.GetDirectories(Path.Combine(_cluster.DataDirectory), "work", SearchOption.AllDirectories)
            .Single(d => d.Contains($"{Path.DirectorySeparatorChar}{id}{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        var pids = await ReadPidsAsync(work);

        await _cluster.User.TerminateAsync([id], default);
        var job = await _cluster.WaitForFinalAsync(id);

        Assert.Equal(JobState.Success, job.Status.State);
        Assert.Contains(job.Updates, u => u.State == JobState.Canceling);
        // A killed process may stay a zombie for a moment until its new parent reaps it; that is dead enough.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (pids.Any(IsAlive) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        foreach (var pid in pids)
        {
            Assert.False(IsAlive(pid), $"process {pid} outlived terminate");
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            var status = File.ReadAllLines($"/proc/{pid}/status");
            return !status.Any(line => line.StartsWith("State:", StringComparison.Ordinal) && line.Contains('Z', StringComparison.Ordinal));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    [Fact]
    public async Task Follow_StreamsFromTheFirstLine_ThenLiveLinesAndTheEnd()
    {
        var id = await _cluster.RunScriptAsync("echo first-line; sleep 1; echo second-line; sleep 1");

        using var http = new HttpClient { BaseAddress = _cluster.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", _cluster.UserToken);
        using var response = await http.GetAsync($"/api/jobs/follow?id={id}", HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(), Encoding.UTF8);
        var seen = new StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            seen.AppendLine(line);
            if (line.Contains("SUCCESS", StringComparison.Ordinal))
            {
                break;
            }
        }

        var text = seen.ToString();
        output.WriteLine(text);
        var first = text.IndexOf("first-line", StringComparison.Ordinal);
        var second = text.IndexOf("second-line", StringComparison.Ordinal);
        Assert.True(first >= 0, "the first line was not streamed");
        Assert.True(second > first, "the second line did not follow the first");
    }

    private static async Task<List<int>> ReadPidsAsync(string work)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (File.Exists(Path.Combine(work, "pid")) && File.Exists(Path.Combine(work, "child")))
            {
                var pids = new List<int>();
                foreach (var file in new[] { "pid", "child" })
                {
                    if (int.TryParse((await File.ReadAllTextAsync(Path.Combine(work, file))).Trim(), out var pid))
                    {
                        pids.Add(pid);
                    }
                }

                if (pids.Count == 2)
                {
                    Assert.All(pids, pid => Assert.True(Directory.Exists($"/proc/{pid}"), $"process {pid} is not running"));
                    return pids;
                }
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("the job did not write its pids in " + work);
    }
}
