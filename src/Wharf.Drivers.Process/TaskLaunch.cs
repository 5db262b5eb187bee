using System.Globalization;
using Wharf.Agent.Drivers;

namespace Wharf.Drivers.Process;

/// <summary>
/// How a task's command is started. The leader is started in a session and process group of its own (so that a stop
/// reaches the whole tree; see <see cref="SupervisorProcess"/>), and the chain, each step exec'ing the next so that
/// the process id stays the same, is <c>ip netns exec NAME</c> (a named job namespace: its hosts file, a private mount namespace) or
/// <c>unshare --mount</c> (a private mount namespace, for bind mounts elsewhere)
/// → a small supervisor shell → the command. A job in an unnamed namespace has the chain started from a thread that
/// is inside the namespace, so it needs no step for it: the supervisor → the command.
/// </summary>
/// <remarks>
/// The supervisor makes the bind mounts, enters the working folder, checks that the command exists and then answers
/// <c>ready</c> on the pipe the driver reads, so that failures to start are reported as such. Where nothing of that
/// can fail (no mounts, no <c>ip</c>, a command the driver itself finds), it is not asked to answer, and the task
/// counts as started once the supervisor runs: one wait for a shell to start fewer per task. There the supervisor is
/// <c>wharf-task</c> (<c>native/wharf-task.c</c>, built beside the driver where the machine has a C compiler), which does
/// the same in a few system calls: a static program starts in a fraction of a shell's time; where the driver's
/// launcher runs (<see cref="TaskLauncher"/>), the same arguments go to it, and it starts and supervises the command
/// itself, so only the command is a program start. It sends the task's output
/// straight to the log files (never through the agent, so a task outlives an agent restart without losing output or
/// dying of a broken pipe), runs the command in the foreground and writes its exit code to a file, which is how a
/// restarted agent learns how a task ended while it was away (the driver deletes the file before the start, and
/// reads it only once the supervisor is gone, so it is never half-written when read). Besides mount, called by its full path, only shell builtins are used:
/// the job's own <c>PATH</c> may not hold the usual tools. A trap keeps the supervisor alive through the polite
/// signal until the command has ended; a trapped (rather than ignored) signal is reset for the command at exec.
/// </remarks>
internal static class TaskLaunch
{
    public const string ExitStatusFileName = "exit-status";
    public const string Ready = "ready";

    /// <summary>The second line <c>wharf-task</c> writes to the exit-status file when no process of the task was left.</summary>
    public const string TreeEnded = "tree-ended";

    private const string Supervisor = """
        trap : TERM INT HUP
        w=$1; o=$2; e=$3; s=$4; m=$5; n=$6; r=$7; shift 7
        while [ "$n" -gt 0 ]; do
          "$m" --bind "$1" "$2" || { echo "cannot mount $1 at $2" >&2; exit 125; }
          if [ "$3" = ro ]; then
            "$m" -o remount,bind,ro "$2" || { echo "cannot make $2 read-only" >&2; exit 125; }
          fi
          shift 3; n=$((n - 1))
        done
        cd "$w" || exit 125
        case $1 in
          */*) [ -f "$1" ] && [ -x "$1" ] || { echo "command not found or not executable: $1" >&2; exit 127; } ;;
          *) command -v "$1" >/dev/null 2>&1 || { echo "command not found: $1" >&2; exit 127; } ;;
        esac
        if [ "$r" = 1 ]; then echo ready; fi
        exec </dev/null >>"$o" 2>>"$e"
        "$@"
        c=$?
        echo "$c" >"$s"
        exit "$c"
        """;

    public static string ExitStatusPath(TaskSpec spec) => Path.Combine(spec.LogDirectory, ExitStatusFileName);

    public static LaunchCommand Command(
        HostFacilities host, TaskSpec spec, string? networkNamespace, IReadOnlyList<BindMount> binds, IReadOnlyDictionary<string, string> environment)
    {
        // What the supervisor checks before its ready can be checked here when nothing else can fail (no ip, no
        // mounts) and the command is certainly found; then the start is known once the supervisor runs.
        var workingDirectory = Path.GetFullPath(spec.WorkingDirectory);
        var handshake = networkNamespace is not null || binds.Count > 0 || !SupervisorProcess.OwnsSession
            || !IsCertainlyFound(spec.Command[0], workingDirectory, environment);
        var logDirectory = Path.GetFullPath(spec.LogDirectory);
        var logFiles = (TaskLogFiles.StdoutPath(logDirectory), TaskLogFiles.StderrPath(logDirectory));
        var exitStatus = Path.GetFullPath(ExitStatusPath(spec));
        // $(NAME) in the command is filled from the final environment (ports, files, peers), as Kubernetes does.
        var expanded = spec.Command.Select(argument => TaskEnvironment.Expand(argument, environment));
        if (!handshake && host.TaskSupervisor is { } supervisor)
        {
            return new LaunchCommand(supervisor, [exitStatus, .. expanded], environment, workingDirectory) { LogFiles = logFiles };
        }

        var chain = new List<string>();
        if (networkNamespace is not null)
        {
            chain.AddRange([host.Ip!, "netns", "exec", networkNamespace]);
        }
        else if (binds.Count > 0)
        {
            chain.AddRange([host.Unshare!, "--mount", "--propagation", "private"]);
        }

        chain.AddRange([host.Shell, "-c", Supervisor, "wharf-task"]);
        chain.AddRange([
            workingDirectory,
            logFiles.Item1,
            logFiles.Item2,
            exitStatus,
            host.Mount ?? "mount",
            binds.Count.ToString(CultureInfo.InvariantCulture),
            handshake ? "1" : "0",
        ]);
        foreach (var bind in binds)
        {
            chain.AddRange([bind.Source, bind.Target, bind.ReadOnly ? "ro" : "rw"]);
        }

        chain.AddRange(expanded);
        return new LaunchCommand(chain[0], chain[1..], environment, workingDirectory)
        {
            LogFiles = handshake ? null : logFiles,
        };
    }

    /// <summary>
    /// Starts the chain and waits for the supervisor's <c>ready</c>; throws <see cref="TaskStartException"/> with the
    /// reason when it never comes. Also returns the leader's start time, as its starter told it or read from
    /// <c>/proc</c> at once: a quick command may have ended, and its leader been reaped, by the time <c>ready</c> is read.
    /// </summary>
    public static async Task<(SupervisorProcess Process, long? StartTime)> StartAsync(
        LaunchCommand command, TaskSpec spec, Func<LaunchCommand, Task<SupervisorProcess>> spawn, CancellationToken cancellationToken)
    {
        SupervisorProcess process;
        try
        {
            process = await spawn(command).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new TaskStartException($"{command.Program} could not be started in the job's network namespace: {e.Message}", e);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new TaskStartException($"{command.Program} could not be started: {e.Message}", e);
        }

        var startTime = process.StartTime ?? ProcStat.Read(process.Id)?.StartTime;
        if (command.LogFiles is not null)
        {
            return (process, startTime);
        }

        string? line;
        using var output = new StreamReader(process.Output);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            line = await output.ReadLineAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            process.ClosePipes();
            throw cancellationToken.IsCancellationRequested
                ? new OperationCanceledException(cancellationToken)
                : new TaskStartException($"{spec.Command[0]}: the task did not get ready to run within 30 seconds");
        }

        if (line == Ready)
        {
            process.ClosePipes();
            return (process, startTime);
        }

        // The supervisor (or ip, unshare before it) failed: what it said on standard error is the reason.
        using var errorReader = new StreamReader(process.Error);
        var error = await errorReader.ReadToEndAsync(CancellationToken.None).ConfigureAwait(false);
        var exitCode = await process.Exit.ConfigureAwait(false);
        process.ClosePipes();
        var reason = string.Join("; ", new[] { line, error.Trim() }.Where(s => !string.IsNullOrWhiteSpace(s)));
        throw new TaskStartException(reason.Length > 0 ? reason : $"{spec.Command[0]}: could not be started (exit code {exitCode})");
    }

    /// <summary>
    /// Whether the supervisor's check will find <paramref name="program"/>: a path (relative to the working folder) to
    /// an executable file, or a name found so on the task's <c>PATH</c>. False when unsure (a shell builtin, say):
    /// the supervisor then decides and answers.
    /// </summary>
    private static bool IsCertainlyFound(string program, string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        if (program.Contains('/', StringComparison.Ordinal))
        {
            return Libc.IsExecutableFile(Path.Combine(workingDirectory, program));
        }

        var path = environment.TryGetValue("PATH", out var value) ? value : "";
        return path.Split(':').Any(folder => Libc.IsExecutableFile(Path.Combine(workingDirectory, folder, program)));
    }
}
