using System.ComponentModel;
using System.Globalization;
using Wharf.Agent.Tests.Support;
using Wharf.Drivers.Process;

namespace Wharf.Agent.Tests.Drivers;

/// <summary>
/// The resident launcher (<c>wharf-task --serve</c>) on its own: each test starts a launcher of its own, so that
/// killing one does not touch the one the drivers of other tests share.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class TaskLauncherTests : IDisposable
{
    /// <summary>A script's start that waits until the test, having looked at the running task, writes <c>go</c> in its folder.</summary>
    internal const string UntilGo = "while [ ! -e go ]; do sleep 0.02; done; ";

    private readonly TestDirectory _directory = new();
    private TaskLauncher? _launcher;

    [TaskSupervisorFact]
    public async Task Task_IsTheLaunchersChild_LeadsItsOwnSession_AndItsEndComesWithItsExitCode()
    {
        var launcher = Launcher();
        var (command, status) = Command("t1", "read -r _ _ _ parent _ session _ < /proc/self/stat; echo \"$session\"; " + UntilGo + "exit 3");

        var process = await launcher.StartAsync(command, networkNamespace: null);
        var (parent, startTime) = (ParentOf(process.Id), ProcStat.Read(process.Id)?.StartTime);
        Go("t1");
        var code = await process.Exit.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(3, code);
        Assert.Equal(launcher.Pid, parent);
        Assert.Equal(startTime, process.StartTime);
        // The shell is the task's command, the launcher's child, and leads a session of its own.
        Assert.Equal(process.Id.ToString(CultureInfo.InvariantCulture), (await File.ReadAllTextAsync(command.LogFiles!.Value.Output)).Trim());
        // Nothing of the task was left when it ended, and the launcher said so.
        Assert.True(process.FromLauncher!.TreeEnded);
        Assert.Equal(["3", "tree-ended"], await File.ReadAllLinesAsync(status));
    }

    [TaskSupervisorFact]
    public async Task TaskLeavingAProcessBehind_IsNotTreeEnded_NorIsATaskEndingWhileThatProcessLives_ButOneEndingAfterIs()
    {
        var launcher = Launcher();
        var (leaving, leavingStatus) = Command("t7", "sleep 300 & echo $! > left; exit 0");
        var leaver = await launcher.StartAsync(leaving, null);
        Assert.Equal(0, await leaver.Exit.WaitAsync(TimeSpan.FromSeconds(30)));
        var left = int.Parse(await File.ReadAllTextAsync(_directory.Combine("t7", "left")), CultureInfo.InvariantCulture);

        // The launcher is a child subreaper: the process the task left is now its child.
        Assert.Equal(launcher.Pid, ParentOf(left));
        Assert.False(leaver.FromLauncher!.TreeEnded);
        Assert.Equal(["0"], await File.ReadAllLinesAsync(leavingStatus));

        // It cannot tell whose that process is, so no task that ends while it lives is said to have left nothing.
        var (quick, quickStatus) = Command("t8", "exit 0");
        var during = await launcher.StartAsync(quick, null);
        Assert.Equal(0, await during.Exit.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.False(during.FromLauncher!.TreeEnded);
        Assert.Equal(["0"], await File.ReadAllLinesAsync(quickStatus));

        // Once the launcher has reaped it, ends are whole again.
        Libc.Kill(left, Libc.SigKill);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (File.Exists($"/proc/{left}/stat") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        var (after, afterStatus) = Command("t9", "exit 0");
        var later = await launcher.StartAsync(after, null);
        Assert.Equal(0, await later.Exit.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(later.FromLauncher!.TreeEnded);
        Assert.Equal(["0", "tree-ended"], await File.ReadAllLinesAsync(afterStatus));
    }

    [TaskSupervisorFact]
    public async Task MissingWorkingFolder_FailsTheStart_SayingWhichStep()
    {
        var (command, _) = Command("t2", "exit 0");

        var error = await Assert.ThrowsAsync<Win32Exception>(() => Launcher().StartAsync(command with { WorkingDirectory = _directory.Combine("t2", "gone") }, null));

        Assert.Contains("entering the working folder", error.Message, StringComparison.Ordinal);
    }

    [TaskSupervisorFact]
    public async Task CommandThatCannotBeRun_FailsTheStart_SayingWhy()
    {
        var (command, status) = Command("t5", "exit 0");
        var missing = command with { Arguments = [command.Arguments[0], _directory.Combine("t5", "no-such-program")] };

        var error = await Assert.ThrowsAsync<Win32Exception>(() => Launcher().StartAsync(missing, null));

        Assert.Contains("running the command", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(status), "no exit status is recorded for a command that never ran");
    }

    [TaskSupervisorFact]
    public async Task AgentGone_TheLauncherStillWritesTheEndOfWhatItStarted_ThenExits()
    {
        var launcher = Launcher();
        var (command, status) = Command("t6", UntilGo + "exit 6");
        var process = await launcher.StartAsync(command, null);

        launcher.Disconnect();
        // Once the launcher has stopped answering, so that the end below is one nobody reports.
        var closing = DateTime.UtcNow.AddSeconds(10);
        while (!launcher.IsClosed && DateTime.UtcNow < closing)
        {
            await Task.Delay(10);
        }

        Go("t6");

        Assert.Null(await process.Exit.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(["6", "tree-ended"], await File.ReadAllLinesAsync(status));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (ProcStat.Read(launcher.Pid) is { IsDead: false } && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.False(ProcStat.Read(launcher.Pid) is { IsDead: false }, "the launcher exits once what it started has ended");
    }

    [TaskSupervisorFact]
    public async Task LauncherKilled_ItsRunningTaskRunsOn_ItsEndIsStillSeen_AndLaterStartsFail()
    {
        var launcher = Launcher();
        var (command, _) = Command("t3", UntilGo + "exit 7");
        var process = await launcher.StartAsync(command, null);

        System.Diagnostics.Process.GetProcessById(launcher.Pid).Kill();
        Go("t3");
        var code = await process.Exit.WaitAsync(TimeSpan.FromSeconds(30));

        // Nobody waited for it, so its code is unknown; its end is still seen.
        Assert.Null(code);
        Assert.False(ProcStat.Read(process.Id) is { IsDead: false }, "the task has ended");
        await Assert.ThrowsAsync<Win32Exception>(() => launcher.StartAsync(Command("t4", "exit 0").Command, null));
    }

    public void Dispose()
    {
        if (_launcher is not null && ProcStat.Read(_launcher.Pid) is { IsDead: false })
        {
            System.Diagnostics.Process.GetProcessById(_launcher.Pid).Kill();
        }

        _directory.Dispose();
    }

    private void Go(string folder) => File.WriteAllText(_directory.Combine(folder, "go"), "");

    private TaskLauncher Launcher() =>
        _launcher = TaskLauncher.StartNew(HostFacilities.Current.TaskSupervisor!) ?? throw new InvalidOperationException("no launcher");

    private (LaunchCommand Command, string Status) Command(string folder, string script)
    {
        var work = _directory.Combine(folder);
        Directory.CreateDirectory(work);
        var status = Path.Combine(work, "exit-status");
        var command = new LaunchCommand(HostFacilities.Current.TaskSupervisor!, [status, "/bin/sh", "-c", script], new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin" }, work)
        {
            LogFiles = (Path.Combine(work, "stdout"), Path.Combine(work, "stderr")),
        };
        return (command, status);
    }

    /// <summary>The parent process id, field 4 of <c>/proc/PID/stat</c>.</summary>
    internal static int ParentOf(int pid)
    {
        var text = File.ReadAllText($"/proc/{pid}/stat");
        return int.Parse(text[(text.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
    }
}
