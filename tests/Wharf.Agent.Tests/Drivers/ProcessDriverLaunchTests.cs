using System.Globalization;
using Wharf.Agent.Drivers;
using Wharf.Agent.Tests.Support;
using Wharf.Drivers.Process;

namespace Wharf.Agent.Tests.Drivers;

/// <summary>How the process driver starts a task's leader: a session of its own, a clean signal state, its end learnt.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ProcessDriverLaunchTests : IAsyncLifetime
{
    private readonly TestDirectory _directory = new();
    private readonly ProcessDriver _driver = new(new ProcessDriverOptions { NetworkIsolation = NetworkIsolationMode.Disabled });

    [Fact]
    public async Task Leader_LeadsItsOwnSession_AndTheCommandStartsWithNoSignalIgnoredOrBlocked()
    {
        // The agent's runtime ignores SIGPIPE; a child that inherited that would not die writing to a closed pipe.
        var spec = Spec("""
            read -r _ _ _ _ _ session _ < /proc/self/stat
            echo "session=$session"
            grep -E '^(SigIgn|SigBlk):' /proc/self/status
            """);

        var handle = await _driver.StartAsync(spec, Timeout());
        var result = await _driver.WaitAsync(handle, Timeout());

        Assert.Equal(0, result.ExitCode);
        var lines = await File.ReadAllLinesAsync(TaskLogFiles.StdoutPath(spec.LogDirectory));
        Assert.Contains($"session={handle.State.ProcessId!.Value.ToString(CultureInfo.InvariantCulture)}", lines);
        // Only the standard signals (1–31) count: glibc keeps two real-time signals of its own (32, 33) to itself.
        Assert.Equal(0UL, StandardSignals(lines, "SigIgn"));
        Assert.Equal(0UL, StandardSignals(lines, "SigBlk"));
    }

    [Fact]
    public async Task ManyShortTasksAtOnce_EachEndIsReportedWithItsOwnExitCode()
    {
        var specs = Enumerable.Range(0, 40).Select(i => Spec($"exit {i}")).ToList();

        var handles = await Task.WhenAll(specs.Select(s => _driver.StartAsync(s, Timeout())));
        var results = await Task.WhenAll(handles.Select(h => _driver.WaitAsync(h, Timeout())));

        Assert.Equal(Enumerable.Range(0, 40), results.Select(r => r.ExitCode));
    }

    [Fact]
    public async Task LeaderKilled_ItsEndIsReportedAsThatSignal()
    {
        var spec = Spec("echo started; sleep 30");
        var handle = await _driver.StartAsync(spec, Timeout());

        System.Diagnostics.Process.GetProcessById(handle.State.ProcessId!.Value).Kill();
        var result = await _driver.WaitAsync(handle, Timeout());

        Assert.Equal(9, result.Signal);
        Assert.Equal(128 + 9, result.ExitCode);
        await _driver.StopAsync(handle, TimeSpan.FromMilliseconds(100), Timeout());
    }

    [Fact]
    public async Task CommandRelativeToWorkingFolder_Runs()
    {
        var spec = Spec("") with { Command = ["./run.sh", "one"] };
        await WriteExecutableAsync(spec, "run.sh", "#!/bin/sh\necho \"ran $1\"\n");

        var handle = await _driver.StartAsync(spec, Timeout());
        var result = await _driver.WaitAsync(handle, Timeout());

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["ran one"], await File.ReadAllLinesAsync(TaskLogFiles.StdoutPath(spec.LogDirectory)));
    }

    [Fact]
    public async Task ShellBuiltinNotOnPath_IsStillRun()
    {
        // No program is called "type": the driver cannot find it, so the supervisor checks and answers.
        var spec = Spec("") with { Command = ["type", "type"] };

        var handle = await _driver.StartAsync(spec, Timeout());
        var result = await _driver.WaitAsync(handle, Timeout());

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("builtin", await File.ReadAllTextAsync(TaskLogFiles.StdoutPath(spec.LogDirectory)), StringComparison.Ordinal);
    }

    [TaskSupervisorFact]
    public async Task FoundCommand_IsStartedByTheLauncher_WhichRecordsTheExitCode()
    {
        var spec = Spec(TaskLauncherTests.UntilGo + "exit 5");

        Assert.NotNull(HostFacilities.Current.TaskSupervisor);
        var handle = await _driver.StartAsync(spec, Timeout());
        var leader = new FileInfo($"/proc/{handle.State.ProcessId}/exe").LinkTarget;
        var parent = TaskLauncherTests.ParentOf(handle.State.ProcessId!.Value);
        await File.WriteAllTextAsync(Path.Combine(spec.WorkingDirectory, "go"), "");
        var result = await _driver.WaitAsync(handle, Timeout());

        // One program start: the command itself leads the task, a child of the launcher.
        Assert.Equal(Path.GetFileName(new FileInfo("/bin/sh").LinkTarget ?? "/bin/sh"), Path.GetFileName(leader));
        Assert.Equal("wharf-task", Path.GetFileName(new FileInfo($"/proc/{parent}/exe").LinkTarget));
        Assert.Equal(5, result.ExitCode);
        // The first line is the code; a second, tree-ended, depends also on what other tasks of the shared launcher left.
        Assert.Equal("5", (await File.ReadAllLinesAsync(Path.Combine(spec.LogDirectory, "exit-status")))[0]);
    }

    [TaskSupervisorFact]
    public async Task FoundCommand_WithoutTheLauncher_IsSupervisedByWharfTask_WhichRecordsTheExitCode()
    {
        await using var driver = new ProcessDriver(
            new ProcessDriverOptions { NetworkIsolation = NetworkIsolationMode.Disabled }, HostFacilities.Current with { KeepsLauncher = false });
        var spec = Spec(TaskLauncherTests.UntilGo + "exit 5");

        var handle = await driver.StartAsync(spec, Timeout());
        var leader = new FileInfo($"/proc/{handle.State.ProcessId}/exe").LinkTarget;
        await File.WriteAllTextAsync(Path.Combine(spec.WorkingDirectory, "go"), "");
        var result = await driver.WaitAsync(handle, Timeout());

        Assert.Equal("wharf-task", Path.GetFileName(leader));
        Assert.Equal(5, result.ExitCode);
        // Nothing of the task was left when it ended: the driver need not look for what is left of it.
        Assert.Equal(["5", "tree-ended"], await File.ReadAllLinesAsync(Path.Combine(spec.LogDirectory, "exit-status")));
    }

    [TaskSupervisorFact]
    public async Task CommandLeavingAProcessBehind_IsNotRecordedAsTreeEnded_AndTheStopAfterItsEndEndsThatProcess()
    {
        var spec = Spec("sleep 300 & echo $! > left; exit 0");

        var handle = await _driver.StartAsync(spec, Timeout());
        var result = await _driver.WaitAsync(handle, Timeout());
        var left = int.Parse(await File.ReadAllTextAsync(Path.Combine(spec.WorkingDirectory, "left")), CultureInfo.InvariantCulture);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["0"], await File.ReadAllLinesAsync(Path.Combine(spec.LogDirectory, "exit-status")));
        Assert.True(ProcStat.Read(left) is { IsDead: false }, "the process the command left runs on after it");
        await _driver.StopAsync(handle, TimeSpan.FromSeconds(2), Timeout());
        Assert.False(ProcStat.Read(left) is { IsDead: false }, "the stop after the end ends what the task left");
    }

    [TaskSupervisorFact]
    public async Task WharfTask_ReapsTheTasksOrphans_AndRecordsTheTreeEndedOnceNoneIsLeft()
    {
        // The subshell ends at once, so its sleep is orphaned onto wharf-task, and ends before the command does.
        var (exitCode, _, status) = await RunWharfTaskAsync("orphans", "/bin/sh", "-c", "(sleep 0.1 &); sleep 0.5; exit 4");

        Assert.Equal(4, exitCode);
        Assert.Equal(["4", "tree-ended"], await File.ReadAllLinesAsync(status));
    }

    [TaskSupervisorFact]
    public async Task FoundScriptWithoutInterpreterLine_IsRunByTheShell()
    {
        var spec = Spec("") with { Command = ["./plain", "one"] };
        await WriteExecutableAsync(spec, "plain", "echo \"plain $1\"\nexit 3\n");

        var handle = await _driver.StartAsync(spec, Timeout());
        var result = await _driver.WaitAsync(handle, Timeout());

        Assert.Equal(3, result.ExitCode);
        Assert.Equal(["plain one"], await File.ReadAllLinesAsync(TaskLogFiles.StdoutPath(spec.LogDirectory)));
    }

    [TaskSupervisorFact]
    public async Task WharfTask_CommandGoneSinceTheDriverFoundIt_EndsWith127AndSaysWhy()
    {
        var (exitCode, error, status) = await RunWharfTaskAsync("gone", "./no-such-command");

        Assert.Equal(127, exitCode);
        Assert.Contains("./no-such-command", error, StringComparison.Ordinal);
        Assert.False(File.Exists(status), "no exit status is recorded for a command that never ran");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _driver.DisposeAsync();
        _directory.Dispose();
    }

    private TaskSpec Spec(string script)
    {
        var jobId = "l" + Guid.NewGuid().ToString("N")[..10];
        return new TaskSpec
        {
            JobId = jobId,
            Command = ["/bin/sh", "-c", script],
            WorkingDirectory = _directory.Combine(jobId, "work"),
            LogDirectory = _directory.Combine(jobId, "logs"),
        };
    }

    private static async Task WriteExecutableAsync(TaskSpec spec, string name, string text)
    {
        Directory.CreateDirectory(spec.WorkingDirectory);
        var file = Path.Combine(spec.WorkingDirectory, name);
        await File.WriteAllTextAsync(file, text);
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>Runs <c>wharf-task</c> itself, its exit status file in a folder of its own: exit code, standard error, that file's path.</summary>
    private async Task<(int ExitCode, string Error, string Status)> RunWharfTaskAsync(string folder, params string[] command)
    {
        var status = _directory.Combine(folder, "exit-status");
        Directory.CreateDirectory(Path.GetDirectoryName(status)!);
        var info = new System.Diagnostics.ProcessStartInfo(HostFacilities.Current.TaskSupervisor!) { RedirectStandardError = true };
        foreach (var argument in (string[])[status, .. command])
        {
            info.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(info)!;
        var error = await process.StandardError.ReadToEndAsync(Timeout());
        await process.WaitForExitAsync(Timeout());
        return (process.ExitCode, error, status);
    }

    private static ulong StandardSignals(string[] lines, string field) =>
        ulong.Parse(lines.Single(l => l.StartsWith(field + ":", StringComparison.Ordinal))[(field.Length + 1)..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture)
        & 0x7FFF_FFFFUL;

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token;
}
