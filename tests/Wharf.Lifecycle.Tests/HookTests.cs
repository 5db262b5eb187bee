using System.Diagnostics;
using Wharf.Domain.Jobs;

namespace Wharf.Lifecycle.Tests;

/// <summary>Lifecycle hooks run by a real agent around real processes: BOSH's drain protocol and hook timeouts.</summary>
public sealed class HookTests
{
    private const string Catalog = """
        name: drained
        version: 1.0.0
        command: ["/bin/sh", "-c", "echo up; exec sleep 300"]
        hookTimeouts: {drain: 5, post-stop: 5}
        templates:
          - path: bin/drain
            content: |
              #!/bin/sh
              n=$(cat drain-calls 2>/dev/null || echo 0); n=$((n+1)); echo $n > drain-calls
              echo "drain call $n for {{job.id}}" >&2
              if [ $n -le 2 ]; then echo -1; else echo 0; fi
          - path: bin/post-stop
            content: |
              #!/bin/sh
              echo "stopped after $(cat drain-calls) drain calls"
        ---
        name: stuck
        version: 1.0.0
        command: ["/bin/sh", "-c", "echo should not run"]
        hookTimeouts: {pre-start: 1}
        templates:
          - path: bin/pre-start
            content: |
              #!/bin/sh
              echo preparing
              exec sleep 60
        ---
        name: failing-drain
        version: 1.0.0
        command: ["/bin/sh", "-c", "exec sleep 300"]
        templates:
          - path: bin/drain
            content: |
              #!/bin/sh
              echo 30
              exit 1
        """;

    [Fact]
    public async Task Drain_AskingForTwoDynamicWaits_DelaysTheStopAndIsCalledThreeTimes()
    {
        await using var cluster = await LifecycleCluster.StartAsync(Catalog);
        var id = await cluster.SubmitAsync("drained", "1.0.0");
        await cluster.WaitForAsync(id, j => j.Status.State == JobState.Running);

        var clock = Stopwatch.StartNew();
        await cluster.User.TerminateAsync([id], default);
        var job = await cluster.WaitForFinalAsync(id);
        clock.Stop();

        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(2), $"the stop took {clock.Elapsed}, less than the two 1 s waits drain asked for");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"the stop took {clock.Elapsed}");
        Assert.Equal("3", (await File.ReadAllTextAsync(Path.Combine(cluster.WorkingDirectory(id), "drain-calls"))).Trim());
        var logs = Path.Combine(cluster.DataDirectory, "jobs", id, "0");
        var drainLog = await File.ReadAllTextAsync(Path.Combine(logs, "drain.log"));
        Assert.Contains($"drain call 3 for {id}", drainLog, StringComparison.Ordinal);
        Assert.Equal(3, drainLog.Split('\n').Count(l => l.StartsWith("== drain job_shutdown hash_unchanged", StringComparison.Ordinal)));
        // post-stop runs once the process is gone, alongside the exit report that ends the job: it may finish just after.
        var postStop = Path.Combine(logs, "post-stop.log");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!(File.Exists(postStop) && (await File.ReadAllTextAsync(postStop)).Contains("post-stop exited with code", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Contains("stopped after 3 drain calls", await File.ReadAllTextAsync(postStop), StringComparison.Ordinal);
        Assert.True(job.Status.State.IsFinal());
    }

    [Fact]
    public async Task Drain_ExitingNonZero_IsAFailureWhateverItPrinted()
    {
        await using var cluster = await LifecycleCluster.StartAsync(Catalog);
        var id = await cluster.SubmitAsync("failing-drain", "1.0.0");
        await cluster.WaitForAsync(id, j => j.Status.State == JobState.Running);

        var clock = Stopwatch.StartNew();
        await cluster.User.TerminateAsync([id], default);
        var job = await cluster.WaitForFinalAsync(id);

        // It printed 30 but exited 1: no 30 s wait; the failure is in the drain's log (and the rank's exit report).
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"the stop took {clock.Elapsed}");
        Assert.True(job.Status.State.IsFinal());
        var drainLog = await File.ReadAllTextAsync(Path.Combine(cluster.DataDirectory, "jobs", id, "0", "drain.log"));
        Assert.Contains("30", drainLog, StringComparison.Ordinal);
        Assert.Contains("drain exited with code 1", drainLog, StringComparison.Ordinal);

        // The same transcript reaches the server's log API under the hook's name.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        var shipped = "";
        while (!shipped.Contains("drain exited with code 1", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            var page = await cluster.User.ReadJobLogsAsync(id, 0, "drain", 0, null, default);
            shipped = string.Join('\n', page.Lines.Select(l => l.Text));
            await Task.Delay(100);
        }

        Assert.Contains("30", shipped, StringComparison.Ordinal);
        Assert.Contains("drain exited with code 1", shipped, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PreStart_ThatHangs_IsKilledAtItsTimeoutAndTheStartFails()
    {
        await using var cluster = await LifecycleCluster.StartAsync(Catalog);
        var clock = Stopwatch.StartNew();
        var id = await cluster.SubmitAsync("stuck", "1.0.0");
        var job = await cluster.WaitForFinalAsync(id);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"the hook ran {clock.Elapsed}");
        Assert.Equal(JobState.Failure, job.Status.State);
        Assert.Contains("pre-start timed out after 1 s and was killed", job.Status.Reason ?? "", StringComparison.Ordinal);
        var logs = Path.Combine(cluster.DataDirectory, "jobs", id, "0");
        var hookLog = await File.ReadAllTextAsync(Path.Combine(logs, "pre-start.log"));
        Assert.Contains("preparing", hookLog, StringComparison.Ordinal);
        Assert.Contains("timed out", hookLog, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(logs, "stdout.log")) && File.ReadAllText(Path.Combine(logs, "stdout.log")).Contains("should not run", StringComparison.Ordinal));
    }
}
