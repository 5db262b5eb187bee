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
        Assert.Equal(["3"], await File.ReadAllLinesAsync(status));
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
        Assert.Equal(["6"], await File.ReadAllLinesAsync(status));
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
