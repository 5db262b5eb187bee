using System.Diagnostics;
using System.Globalization;
using Wharf.Agent.Drivers;
using Wharf.Agent.Loop.Tests.Support;
using Wharf.Domain.Agents;
using Wharf.Drivers.Fake;
using Wharf.Drivers.Process;

namespace Wharf.Agent.Loop.Tests;

public sealed class RecoveryTests
{
    [Fact]
    public async Task Restart_TakesBackARunningProcess_AndReportsADeadOneAsLost()
    {
        await using var bed = await AgentTestBed.CreateAsync();
        var pids = new List<int>();
        try
        {
            var first = await AgentHost.StartAsync(bed.Options(ProcessDriver()), CancellationToken.None);
            await using (first)
            {
                bed.Server.Start(
                    AgentTestBed.Assignment("alive", driver: "process", command: ["sleep", "300"]),
                    AgentTestBed.Assignment("dead", driver: "process", command: ["sleep", "300"]));
                await bed.Server.WaitForEventAsync("alive", 0, TaskEventKind.Started);
                await bed.Server.WaitForEventAsync("dead", 0, TaskEventKind.Started);
            }

            var tasks = bed.PersistedTasks().ToDictionary(t => t.Assignment.JobId, t => t.Handle);
            var persisted = tasks.ToDictionary(t => t.Key, t => t.Value.ProcessId!.Value);
            pids.AddRange(persisted.Values);
            Assert.Equal(["alive", "dead"], persisted.Keys.Order());
            // Killed while no agent watched, and with it what its supervisor recorded (as when the supervisor is
            // killed too): no exit code is left anywhere.
            Kill(persisted["dead"]);
            await AgentTestBed.EventuallyAsync(() => !Directory.Exists($"/proc/{persisted["dead"]}"), "the killed task to be gone");
            File.Delete(Path.Combine(tasks["dead"].Spec.LogDirectory, "exit-status"));

            var second = await AgentHost.StartAsync(bed.Options(ProcessDriver()), CancellationToken.None);
            await using (second)
            {
                var registration = bed.Server.Registrations[1];
                Assert.Equal("agent-1", registration.AgentId);
                Assert.Equal([new TaskRef("alive", 0)], registration.Running);
                var lost = await bed.Server.WaitForEventAsync("dead", 0, TaskEventKind.Lost);
                Assert.Contains("gone", lost.Message, StringComparison.Ordinal);
                Assert.True(Directory.Exists($"/proc/{persisted["alive"]}"));

                // The task taken back is this agent's to stop like any other.
                bed.Server.Stop(new TaskStop("alive", 0, "terminate", 2000));
                var exited = await bed.Server.WaitForEventAsync("alive", 0, TaskEventKind.Exited);
                Assert.Equal(128 + 15, exited.ExitCode);
            }

            Assert.Empty(bed.PersistedTasks());
            Assert.Equal([TaskEventKind.Started, TaskEventKind.Exited], bed.Server.EventsOf("alive").Select(e => e.Kind));
        }
        finally
        {
            pids.ForEach(Kill);
        }
    }

    [Fact]
    public async Task Restart_ReportsATaskKilledWhileNoAgentWatched_WithTheSignalItsSupervisorRecorded()
    {
        await using var bed = await AgentTestBed.CreateAsync();
        int? pid = null;
        try
        {
            var first = await AgentHost.StartAsync(bed.Options(ProcessDriver()), CancellationToken.None);
            await using (first)
            {
                bed.Server.Start(AgentTestBed.Assignment("killed", driver: "process", command: ["sleep", "300"]));
                await bed.Server.WaitForEventAsync("killed", 0, TaskEventKind.Started);
            }

            pid = Assert.Single(bed.PersistedTasks()).Handle.ProcessId!.Value;
            Kill(pid.Value);
            await AgentTestBed.EventuallyAsync(() => !Directory.Exists($"/proc/{pid}"), "the killed task to be gone");

            var second = await AgentHost.StartAsync(bed.Options(ProcessDriver()), CancellationToken.None);
            await using (second)
            {
                // Its supervisor (the driver's launcher, or wharf-task) outlived the agent and wrote down how it ended.
                var exited = await bed.Server.WaitForEventAsync("killed", 0, TaskEventKind.Exited);
                Assert.Equal(128 + 9, exited.ExitCode);
            }
        }
        finally
        {
            if (pid is { } started)
            {
                Kill(started);
            }
        }
    }

    [Fact]
    public async Task Register_StopsTheTasksTheServerListsAsLost_WithoutReportingThem()
    {
        await using var bed = await AgentTestBed.CreateAsync();
        var processes = new FakeProcessTable();
        var first = await AgentHost.StartAsync(bed.Options(new FakeDriver(new FakeDriverOptions { Processes = processes })), CancellationToken.None);
        await using (first)
        {
            bed.Server.Start(AgentTestBed.Assignment("keep"), AgentTestBed.Assignment("drop"));
            await bed.Server.WaitForEventAsync("keep", 0, TaskEventKind.Started);
            await bed.Server.WaitForEventAsync("drop", 0, TaskEventKind.Started);
        }

        var handles = bed.PersistedTasks().ToDictionary(t => t.Assignment.JobId, t => new TaskHandle(t.Handle));
        var drop = processes.ProcessesOf(handles["drop"])[0];
        var keep = processes.ProcessesOf(handles["keep"])[0];
        Assert.True(processes.IsAlive(drop) && processes.IsAlive(keep), "the tasks outlived the agent");
        bed.Server.LostOnRegister = [new TaskRef("drop", 0)];

        var second = await AgentHost.StartAsync(bed.Options(new FakeDriver(new FakeDriverOptions { Processes = processes })), CancellationToken.None);
        await using (second)
        {
            Assert.Equal([new TaskRef("drop", 0), new TaskRef("keep", 0)], bed.Server.Registrations[1].Running);
            await AgentTestBed.EventuallyAsync(() => !processes.IsAlive(drop), "the lost task to be stopped");
            Assert.True(processes.IsAlive(keep));
            await AgentTestBed.EventuallyAsync(() => bed.PersistedTasks().Count == 1, "the lost task to be forgotten");
        }

        Assert.Equal([TaskEventKind.Started], bed.Server.EventsOf("drop").Select(e => e.Kind));
        Assert.Equal("keep", Assert.Single(bed.PersistedTasks()).Assignment.JobId);
    }

    private static ProcessDriver ProcessDriver() =>
        new(new ProcessDriverOptions { NetworkIsolation = NetworkIsolationMode.Disabled, PollInterval = TimeSpan.FromMilliseconds(20) });

    /// <summary>SIGKILL to the task's whole process group (the driver makes each task a session of its own).</summary>
    private static void Kill(int pid)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-9", "--", "-" + pid.ToString(CultureInfo.InvariantCulture)])
        {
            RedirectStandardError = true,
        })!;
        kill.WaitForExit();
    }
}
