using System.Globalization;
using Wharf.Agent.Drivers;

namespace Wharf.Drivers.Process;

/// <summary>
/// A task the process driver watches: its leader process (the session leader), how it ended, and what the driver
/// holds for it until it is stopped (port forwarders, reserved ports, its place in the job's network).
/// </summary>
internal sealed class ProcessTask
{
    private readonly TaskCompletionSource<ExitResult> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _signalSent;

    public ProcessTask(TaskHandle handle, SupervisorProcess? process, bool ownSession)
    {
        Handle = handle;
        Process = process;
        OwnSession = ownSession;
    }

    public TaskHandle Handle { get; }

    /// <summary>The leader as this driver started it; null for a task taken back after a restart (not this process's child).</summary>
    public SupervisorProcess? Process { get; }

    public int Pid => Handle.State.ProcessId!.Value;

    public long StartTime => Handle.State.ProcessStartTime ?? 0;

    /// <summary>The task leads a session of its own (on Linux), so stopping it can reach every process in it.</summary>
    public bool OwnSession { get; }

    public Task<ExitResult> Exit => _exit.Task;

    public SemaphoreSlim StopGate { get; } = new(1, 1);

    public List<TcpForward> Forwards { get; } = [];

    public List<int> ReservedPorts { get; } = [];

    public JobNetwork? Network { get; set; }

    public bool Released { get; set; }

    /// <summary>
    /// Whether the task's supervisor saw no process of the task left when it ended (<c>wharf-task</c>'s
    /// <c>tree-ended</c>): then nothing of it is left in its session or network namespace to look for.
    /// </summary>
    public bool TreeEnded { get; private set; }

    /// <summary>The last signal the driver sent while the leader still ran.</summary>
    public int SignalSent
    {
        get => Volatile.Read(ref _signalSent);
        set => Volatile.Write(ref _signalSent, value);
    }

    public void Ended(ExitResult result) => _exit.TrySetResult(result);

    /// <summary>Whether anything of the task still runs: the leader, or any process left in its session.</summary>
    public bool IsRunning() =>
        !Exit.IsCompleted || (OwnSession && !TreeEnded && ProcessSession.Members(Pid, StartTime).Count > 0);

    /// <summary>Watches the leader it started until it exits.</summary>
    public async Task WatchChildAsync()
    {
        // Null when something else reaped the leader (SIGCHLD ignored by whoever started the agent): its supervisor's record tells.
        var code = await Process!.Exit.ConfigureAwait(false);
        if (code is { } reported && Process.FromLauncher is { } launched)
        {
            // The launcher answered all its record would say: the code, and whether the task left anything.
            TreeEnded = launched.TreeEnded;
            Ended(ExitResult.FromExitCode(reported));
            return;
        }

        var record = ReadRecord(Handle.State.Spec);
        TreeEnded = record.TreeEnded;
        Ended(code is { } exitCode
            ? ExitResult.FromExitCode(exitCode)
            : record.Exit ?? ExitResult.Unknown("the task's exit code could not be read"));
    }

    /// <summary>
    /// Watches a leader that is not this process's child (taken back after a restart): polls until it is gone, then
    /// reads the exit code its supervisor recorded.
    /// </summary>
    public async Task WatchRecoveredAsync(TimeSpan pollInterval, TimeProvider time)
    {
        while (IsLeaderAlive(Pid, StartTime))
        {
            await Task.Delay(pollInterval, time).ConfigureAwait(false);
        }

        // The task launcher writes a command's file between its end and reaping it: while the ended leader's /proc
        // entry is there, its file may be about to come.
        var exit = ReadExit(Handle.State.Spec);
        for (var waited = 0; exit is null && waited < 50 && ProcStat.Read(Pid) is { } entry && entry.StartTime == StartTime; waited++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), time).ConfigureAwait(false);
            exit = ReadExit(Handle.State.Spec);
        }

        Ended(exit ?? (SignalSent == Libc.SigKill
            ? new ExitResult(128 + Libc.SigKill, Libc.SigKill)
            : ExitResult.Unknown("the task ended while the agent was not watching and left no exit code")));
    }

    public static bool IsLeaderAlive(int pid, long startTime) =>
        ProcStat.Read(pid) is { IsDead: false } stat && stat.StartTime == startTime;

    /// <summary>The exit code the supervisor recorded, if it did.</summary>
    public static ExitResult? ReadExit(TaskSpec spec) => ReadRecord(spec).Exit;

    /// <summary>What the supervisor recorded: the exit code on the first line, <c>tree-ended</c> on a second.</summary>
    private static (ExitResult? Exit, bool TreeEnded) ReadRecord(TaskSpec spec)
    {
        try
        {
            var lines = File.ReadAllLines(TaskLaunch.ExitStatusPath(spec));
            return lines.Length > 0 && int.TryParse(lines[0].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var code)
                ? (ExitResult.FromExitCode(code), lines.Length > 1 && lines[1].Trim() == TaskLaunch.TreeEnded)
                : (null, false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, false);
        }
    }
}
