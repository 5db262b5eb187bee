using System.IO.Pipes;
using Microsoft.Win32.SafeHandles;

namespace Wharf.Drivers.Process;

/// <summary>
/// A task's leader as the driver started it: the supervisor shell, with its standard output and error on pipes (for
/// its <c>ready</c> or the reason it could not start) and its end. On Linux it is started with posix_spawn as the
/// leader of a session of its own, so that a stop reaches the task's whole tree without running <c>setsid</c> for it,
/// and its end is learnt through a pidfd; elsewhere .NET starts it and there are no sessions.
/// </summary>
internal sealed class SupervisorProcess
{
    private readonly System.Diagnostics.Process? _process;

    private SupervisorProcess(int pid, Stream output, Stream error, Task<int?> exit, System.Diagnostics.Process? process)
    {
        Id = pid;
        Output = output;
        Error = error;
        Exit = exit;
        _process = process;
    }

    /// <summary>Whether the leader leads a session of its own (Linux), so that a stop can reach every process in it.</summary>
    public static bool OwnsSession => OperatingSystem.IsLinux();

    public int Id { get; }

    public Stream Output { get; }

    public Stream Error { get; }

    /// <summary>The exit code once the leader has ended (128 + the signal for one a signal ended); null when it could not be learnt.</summary>
    public Task<int?> Exit { get; }

    /// <summary>When the leader started (clock ticks since boot, as in <c>/proc</c>), where its starter told; else read from <c>/proc</c>.</summary>
    public long? StartTime { get; private init; }

    /// <summary>
    /// For a command the launcher started, what the launcher answered of it (its end, and whether the task left
    /// anything); null for a leader this driver started, whose exit-status file tells.
    /// </summary>
    public LaunchedCommand? FromLauncher { get; private init; }

    /// <summary>A command the task launcher started and supervises (<see cref="TaskLauncher"/>): its child, not this process's.</summary>
    public static SupervisorProcess Launched(int pid, LaunchedCommand command) =>
        new(pid, Stream.Null, Stream.Null, command.Exit.Task, null) { StartTime = command.StartTime, FromLauncher = command };

    /// <summary>Starts <paramref name="command"/> on the calling thread (so in the calling thread's network namespace).</summary>
    public static SupervisorProcess Start(LaunchCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        return OwnsSession ? StartSession(command) : StartProcess(command);
    }

    /// <summary>Kills the leader and, where it leads a session, every process of its group.</summary>
    public void Kill()
    {
        if (_process is not null)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already ended.
            }

            return;
        }

        Libc.Kill(-Id, Libc.SigKill);
        Libc.Kill(Id, Libc.SigKill);
    }

    /// <summary>Stops reading what the leader writes before it sends its output to the task's log files.</summary>
    public void ClosePipes()
    {
        Output.Dispose();
        Error.Dispose();
    }

    private static SupervisorProcess StartSession(LaunchCommand command)
    {
        if (command.LogFiles is { } files)
        {
            // Nothing to read before the task runs: what the supervisor might say goes to the task's own logs.
            using var output = File.OpenHandle(files.Output, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            using var error = File.OpenHandle(files.Error, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            var leader = Libc.SpawnSessionLeader(
                command.Program, command.Arguments, command.Environment, command.WorkingDirectory, (int)output.DangerousGetHandle(), (int)error.DangerousGetHandle());
            return new SupervisorProcess(leader, Stream.Null, Stream.Null, ChildReaper.Shared.WaitAsync(leader), null);
        }

        var (outputRead, outputWrite) = Libc.Pipe();
        var (errorRead, errorWrite) = (-1, -1);
        try
        {
            (errorRead, errorWrite) = Libc.Pipe();
            var pid = Libc.SpawnSessionLeader(command.Program, command.Arguments, command.Environment, command.WorkingDirectory, outputWrite, errorWrite);
            return new SupervisorProcess(pid, ReadEnd(outputRead), ReadEnd(errorRead), ChildReaper.Shared.WaitAsync(pid), null);
        }
        catch
        {
            Libc.CloseDescriptor(outputRead);
            if (errorRead >= 0) Libc.CloseDescriptor(errorRead);
            throw;
        }
        finally
        {
            // The child has its copies; without closing ours, reading its output would never see the end.
            Libc.CloseDescriptor(outputWrite);
            if (errorWrite >= 0) Libc.CloseDescriptor(errorWrite);
        }
    }

    private static AnonymousPipeClientStream ReadEnd(int fd) => new(PipeDirection.In, new SafePipeHandle(fd, ownsHandle: true));

    private static SupervisorProcess StartProcess(LaunchCommand command)
    {
        var info = new System.Diagnostics.ProcessStartInfo(command.Program)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = command.WorkingDirectory,
        };
        foreach (var argument in command.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment.Clear();
        foreach (var (name, value) in command.Environment)
        {
            info.Environment[name] = value;
        }

        var process = System.Diagnostics.Process.Start(info) ?? throw new IOException($"{command.Program} could not be started");
        process.StandardInput.Close();
        return new SupervisorProcess(process.Id, process.StandardOutput.BaseStream, process.StandardError.BaseStream, ExitOf(process), process);
    }

    private static async Task<int?> ExitOf(System.Diagnostics.Process process)
    {
        using (process)
        {
            await process.WaitForExitAsync().ConfigureAwait(false);
            return process.ExitCode;
        }
    }
}
