using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Wharf.Agent;

/// <summary>How a hook run ended.</summary>
/// <param name="ExitCode">Its exit code; null when it timed out or could not be run.</param>
/// <param name="Output">What it wrote to standard output.</param>
/// <param name="Problem">Why it failed (a non-zero exit, a timeout), or null when it exited 0.</param>
internal sealed record HookOutcome(int? ExitCode, string Output, string? Problem)
{
    /// <summary>Every line the run wrote to its log, in order: the header, its output and error, and how it ended.</summary>
    public IReadOnlyList<string> Transcript { get; init; } = [];
}

/// <summary>
/// A lifecycle hook of a rank (<c>bin/pre-start</c>, <c>bin/drain</c> …, rendered from the application's templates): run
/// in the rank's working folder with its environment, killed with its whole process tree at its timeout, its standard
/// output and error appended to <c>&lt;logs&gt;/&lt;hook&gt;.log</c>. Hooks run inside the rank's network where the driver
/// offers it (<see cref="Drivers.ITaskNetworkDriver"/>) and the rank has started; <c>pre-start</c> and <c>post-stop</c> run on the
/// node's host network, as the rank's network does not exist yet or any more.
/// </summary>
internal sealed class LifecycleHook(string name, string workingDirectory, string logDirectory, TimeSpan timeout, string? program = null)
{
    /// <summary>The size past which a hook's log is rotated (to <c>&lt;hook&gt;.log.1</c>) before its next run.</summary>
    public const long MaxLogBytes = 1024 * 1024;

    /// <summary>The hook names, in the order of a rank's life.</summary>
    public static readonly string[] Names = ["pre-start", "post-start", "pre-stop", "drain", "post-stop"];

    public string Name { get; } = name;

    public TimeSpan Timeout { get; } = timeout;

    /// <summary>
    /// The program run: <c>bin/&lt;hook&gt;</c> in the working folder; for a health command, its first word, a path in the
    /// working folder when it has a slash or names a file there, otherwise a program found on <c>PATH</c> (<c>sh</c>, <c>curl</c>).
    /// </summary>
    public string Path => program is null ? System.IO.Path.Combine(workingDirectory, "bin", Name)
        : program.Contains('/', StringComparison.Ordinal) || File.Exists(System.IO.Path.Combine(workingDirectory, program)) ? System.IO.Path.Combine(workingDirectory, program)
        : program;

    /// <summary>The hook of a rank, or null when the application renders none under that name.</summary>
    public static LifecycleHook? Find(Domain.Agents.TaskAssignment assignment, string name, string workingDirectory, string logDirectory)
    {
        if (assignment.Templates.All(t => t.Path != $"bin/{name}"))
        {
            return null;
        }

        var seconds = assignment.HookTimeouts.TryGetValue(name, out var s) && s > 0 ? s : 60;
        return new LifecycleHook(name, workingDirectory, logDirectory, TimeSpan.FromSeconds(seconds));
    }

    /// <summary>
    /// Runs the hook to its end or its timeout. <paramref name="start"/> starts the configured process (inside the rank's
    /// network, see <see cref="Drivers.ITaskNetworkDriver"/>); null starts it on the node's host network.
    /// </summary>
    public async Task<HookOutcome> RunAsync(
        IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken,
        Func<Process, CancellationToken, Task>? start = null)
    {
        Directory.CreateDirectory(logDirectory);
        var log = System.IO.Path.Combine(logDirectory, $"{Name}.log");
        if (File.Exists(log) && new FileInfo(log).Length > MaxLogBytes)
        {
            // Rotated by size before a run, one older file kept: a probe every few seconds must not fill the disk.
            File.Move(log, log + ".1", overwrite: true);
        }

        var info = new ProcessStartInfo(Path)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment.Clear();
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var output = new StringBuilder();
        var transcript = new List<string>();
        var gate = new Lock();
        await using var writer = new StreamWriter(log, append: true) { AutoFlush = true };
        void Write(string? line, bool stdout)
        {
            if (line is null)
            {
                return;
            }

            lock (gate)
            {
                if (stdout)
                {
                    output.AppendLine(line);
                }

                writer.WriteLine(line);
                transcript.Add(line);
            }
        }

        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Write(e.Data, stdout: true);
        process.ErrorDataReceived += (_, e) => Write(e.Data, stdout: false);
        Write($"== {Name} {string.Join(' ', arguments)} at {DateTimeOffset.UtcNow:O}", stdout: false);

        try
        {
            if (start is null)
            {
                process.Start();
            }
            else
            {
                await start(process, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            var problem = $"{Name} could not be run: {e.Message}";
            Write(problem, stdout: false);
            return new HookOutcome(null, "", problem) { Transcript = Snapshot(transcript, gate) };
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(Timeout);
        try
        {
            await process.WaitForExitAsync(timer.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // BOSH lets a hook run forever (a pre-start stalled deploys for an hour); here it ends at its timeout.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            var problem = string.Create(CultureInfo.InvariantCulture, $"{Name} timed out after {Timeout.TotalSeconds:0.###} s and was killed");
            Write(problem, stdout: false);
            return new HookOutcome(null, Text(output, gate), problem) { Transcript = Snapshot(transcript, gate) };
        }

        var code = process.ExitCode;
        var failed = code == 0 ? null : string.Create(CultureInfo.InvariantCulture, $"{Name} exited with code {code}");
        Write(failed ?? $"{Name} exited with code 0", stdout: false);
        return new HookOutcome(code, Text(output, gate), failed) { Transcript = Snapshot(transcript, gate) };
    }

    private static List<string> Snapshot(List<string> transcript, Lock gate)
    {
        lock (gate)
        {
            return [.. transcript];
        }
    }

    private static string Text(StringBuilder output, Lock gate)
    {
        lock (gate)
        {
            return output.ToString();
        }
    }
}
