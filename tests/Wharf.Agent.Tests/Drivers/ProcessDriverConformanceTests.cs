using Wharf.Agent.Drivers;
using Wharf.Drivers.Process;

namespace Wharf.Agent.Tests.Drivers;

/// <summary>The process driver as it runs by default: in network namespaces where the machine allows.</summary>
public class ProcessDriverConformanceTests : DriverConformanceTests
{
    protected virtual ProcessDriverOptions Options => new();

    protected override IDriver CreateDriverCore() => new ProcessDriver(Options);

    protected override TaskSpec Exiting(TaskSpec spec, int exitCode) =>
        spec with { Command = ["/bin/sh", "-c", $"exit {exitCode}"] };

    protected override TaskSpec Printing(TaskSpec spec, IReadOnlyList<string> stdout, IReadOnlyList<string> stderr) =>
        spec with { Command = ["/bin/sh", "-c", $"printf '%s\\n' {Words(stdout)}; printf '%s\\n' {Words(stderr)} >&2"] };

    protected override TaskSpec PrintingEnvironment(TaskSpec spec, IReadOnlyList<string> names) =>
        spec with { Command = ["/bin/sh", "-c", $"for n in {Words(names)}; do printf '%s=%s\\n' \"$n\" \"$(printenv \"$n\")\"; done"] };

    protected override TaskSpec RunningUntilStopped(TaskSpec spec, bool ignoringStop) =>
        spec with
        {
            Command = ["/bin/sh", "-c", ignoringStop ? "trap '' TERM; echo started; while :; do sleep 0.05; done" : "echo started; sleep 300"],
        };

    protected override TaskSpec RunningWithGrandchild(TaskSpec spec) =>
        spec with
        {
            Command =
            [
                "/bin/sh", "-c",
                """
                /bin/sh -c 'sleep 300 & echo $! > grandchild; wait' & echo $! > child
                while [ ! -s grandchild ]; do sleep 0.01; done
                echo started
                wait
                """,
            ],
        };

    protected override TaskSpec FailingToStart(TaskSpec spec) => spec with { Command = ["wharf-no-such-command"] };

    protected override IReadOnlyList<int> ProcessesOf(TaskHandle handle)
    {
        var folder = handle.State.Spec.WorkingDirectory;
        var pids = new List<int> { handle.State.ProcessId!.Value };
        foreach (var file in new[] { "child", "grandchild" })
        {
            var path = Path.Combine(folder, file);
            if (File.Exists(path) && int.TryParse(File.ReadAllText(path).Trim(), out var pid))
            {
                pids.Add(pid);
            }
        }

        return pids;
    }

    protected override bool IsAlive(int pid) => ProcStat.Read(pid) is { IsDead: false };

    /// <summary>
    /// Kills the task's processes, and takes away the exit code its supervisor (the launcher, or <c>wharf-task</c>
    /// where it outlived the kill) recorded, as when whoever waited for the task was killed with it.
    /// </summary>
    protected override void KillBehindDriversBack(TaskHandle handle)
    {
        var (pid, startTime) = (handle.State.ProcessId!.Value, handle.State.ProcessStartTime!.Value);
        ProcessSession.Signal(pid, startTime, Libc.SigKill);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (ProcStat.Read(pid) is { } entry && entry.StartTime == startTime && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(10);
        }

        File.Delete(Path.Combine(handle.State.Spec.LogDirectory, "exit-status"));
    }

    [Fact]
    public async Task Stop_LeavesNoNetworkNamespaceBehind()
    {
        var driver = CreateDriver();
        var spec = RunningUntilStopped(NewSpec() with { Ports = ["http"] }, ignoringStop: false);
        var handle = await StartAsync(driver, spec);
        await WaitForLineAsync(driver, handle, "started");

        await driver.StopAsync(handle, TimeSpan.FromSeconds(5), Timeout());

        Assert.False(File.Exists($"/run/netns/{JobNetwork.NameFor(null, spec.JobId)}"));
        Assert.False(System.IO.Directory.Exists($"/etc/netns/{JobNetwork.NameFor(null, spec.JobId)}"));
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var jobId in JobIds)
        {
            var name = JobNetwork.NameFor(null, jobId);
            if (File.Exists($"/run/netns/{name}"))
            {
                await SystemCommand.TryRunAsync("ip", ["netns", "del", name], CancellationToken.None);
            }
        }
    }

    private static string Words(IEnumerable<string> words) => string.Join(' ', words.Select(w => "'" + w.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));
}
