using Wharf.Domain.Jobs;

namespace Wharf.EndToEnd.Tests;

/// <summary>What happens when parts die: an agent that goes silent, a server that restarts.</summary>
public sealed class FailureTests : IAsyncLifetime
{
    private WharfCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await WharfCluster.StartAsync(new Server.ExecutionOptions { LeaseTimeout = TimeSpan.FromSeconds(2) }, keepTasksWhenAgentStops: true);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task SilentAgent_EndsItsJobsAsLost_WithinTheLeaseTimeout()
    {
        var id = await _cluster.RunScriptAsync("sleep 120");
        await _cluster.WaitForStateAsync(id, JobState.Running);

        await _cluster.StopAgentAsync();
        var job = await _cluster.WaitForFinalAsync(id, TimeSpan.FromSeconds(15));

        Assert.Equal(JobState.Failure, job.Status.State);
        Assert.Contains("lost", job.Status.Reason, StringComparison.OrdinalIgnoreCase);

        // The agent comes back and is told to stop what the server no longer wants: the orphan is gone.
        var work = Directory.GetDirectories(_cluster.DataDirectory, "work", SearchOption.AllDirectories)
            .Single(d => d.Contains($"{Path.DirectorySeparatorChar}{id}{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        await _cluster.StartAgentAsync();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (ProcessesIn(work).Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Empty(ProcessesIn(work));
    }

    private static List<int> ProcessesIn(string workingDirectory)
    {
        var found = new List<int>();
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid))
            {
                try
                {
                    var cwd = new DirectoryInfo(Path.Combine(dir, "cwd")).LinkTarget;
                    if (cwd is not null && cwd.StartsWith(workingDirectory, StringComparison.Ordinal))
                    {
                        found.Add(pid);
                    }
                }
                catch (IOException)
                {
                }
                catch (UnauthorizedAccessException)
                {
                }
            }
        }

        return found;
    }

    [Fact]
    public async Task ServerRestart_KeepsRunningJobsRunning()
    {
        var id = await _cluster.RunScriptAsync("sleep 2; while [ ! -e stop ]; do sleep 0.2; done; exit 0");
        var before = await _cluster.WaitForStateAsync(id, JobState.Running);

        await _cluster.StopServerAsync();
        await Task.Delay(1000);
        await _cluster.StartServerAsync();
        await Task.Delay(TimeSpan.FromSeconds(4)); // twice the lease timeout: the agent must have renewed it

        var after = await _cluster.Admin.RetrieveJobAsync(id, default);
        Assert.Equal(JobState.Running, after.Status.State);
        Assert.Equal(before.Status.StartedAt, after.Status.StartedAt);

        var work = Directory.GetDirectories(_cluster.DataDirectory, "work", SearchOption.AllDirectories)
            .Single(d => d.Contains($"{Path.DirectorySeparatorChar}{id}{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        await File.WriteAllTextAsync(Path.Combine(work, "stop"), "");
        var done = await _cluster.WaitForFinalAsync(id);
        Assert.Equal(JobState.Success, done.Status.State);
    }
}
