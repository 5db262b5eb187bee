using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Wharf.Agent.Drivers;

namespace Wharf.Drivers.Fake;

/// <summary>
/// A driver that runs nothing, for tests of the agent and the server (Nomad's mock driver). A task is a pretend
/// process on a <see cref="FakeProcessTable"/> that behaves as its <see cref="TaskSpec.DriverConfig"/> says:
/// <list type="bullet">
/// <item><c>run_for</c>: how long it runs (<c>250ms</c>, <c>2s</c>, <c>1m</c>, <c>forever</c>)</item>
/// <item><c>exit_code</c>: the code it then exits with</item>
/// <item><c>start_error</c>: fail to start, with this reason</item>
/// <item><c>start_for</c>: how long starting it takes (as an image pull would), before it runs</item>
/// <item><c>stdout</c>, <c>stderr</c>: lines (separated by <c>\n</c>) it writes at once to its log files</item>
/// <item><c>print_env</c>: names of environment variables (comma-separated) whose <c>NAME=value</c> it writes to stdout</item>
/// <item><c>ignore_stop</c>: <c>true</c> to ignore the polite signal, so that a stop waits the grace period and kills it</item>
/// <item><c>children</c>: how many child processes it pretends to have</item>
/// </list>
/// It allocates pretend port numbers, computes the environment as real drivers do, and writes real log files.
/// </summary>
public sealed class FakeDriver : IDriver, ILogStreamingDriver
{
    /// <summary>The kind of this driver.</summary>
    public const string DriverKind = "fake";

    private const string PidKey = "fakePid";
    private int _startCount;
    private readonly FakeDriverOptions _options;
    private readonly ConcurrentDictionary<string, (TaskHandle Handle, FakeProcess Process)> _tasks = new(StringComparer.Ordinal);

    /// <summary>A fake driver with the default settings: tasks run until stopped.</summary>
    public FakeDriver() : this(new FakeDriverOptions())
    {
    }

    /// <summary>A fake driver with the given settings.</summary>
    public FakeDriver(FakeDriverOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <inheritdoc />
    public string Kind => DriverKind;

    /// <inheritdoc />
    public DriverCapabilities Capabilities => _options.Capabilities;

    /// <summary>How many tasks were started through this driver (for assertions in tests).</summary>
    public int StartCount => Volatile.Read(ref _startCount);

    /// <inheritdoc />
    public async Task<TaskHandle> StartAsync(TaskSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        cancellationToken.ThrowIfCancellationRequested();
        var config = spec.DriverConfig;
        if (config.TryGetValue("start_error", out var startError))
        {
            throw new TaskStartException(startError);
        }

        if (config.TryGetValue("start_for", out var startFor))
        {
            await Task.Delay(ParseDuration(startFor), _options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }

        Interlocked.Increment(ref _startCount);
        var ports = spec.Ports.ToDictionary(p => p, _ => _options.Processes.NextPort(), StringComparer.Ordinal);
        var environment = TaskEnvironment.Build(
            spec,
            ports,
            new Dictionary<string, string>(),
            spec.Files.ToDictionary(f => f.Name, f => Path.Combine(spec.WorkingDirectory, f.JobPath), StringComparer.Ordinal));
        Directory.CreateDirectory(spec.WorkingDirectory);
        Directory.CreateDirectory(spec.LogDirectory);
        var stdout = new StringBuilder();
        foreach (var line in Lines(config, "stdout"))
        {
            stdout.Append(line).Append('\n');
        }

        foreach (var name in config.GetValueOrDefault("print_env", "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            stdout.Append(CultureInfo.InvariantCulture, $"{name}={environment.GetValueOrDefault(name, "")}\n");
        }

        await File.AppendAllTextAsync(TaskLogFiles.StdoutPath(spec.LogDirectory), stdout.ToString(), cancellationToken).ConfigureAwait(false);
        await File.AppendAllTextAsync(TaskLogFiles.StderrPath(spec.LogDirectory), string.Concat(Lines(config, "stderr").Select(l => l + "\n")), cancellationToken).ConfigureAwait(false);

        var children = int.Parse(config.GetValueOrDefault("children", "0"), CultureInfo.InvariantCulture);
        var process = _options.Processes.Add(children);
        var state = new TaskHandleState
        {
            TaskId = $"{spec.JobId}-{spec.Rank}-{process.Pid.ToString(CultureInfo.InvariantCulture)}",
            DriverKind = Kind,
            Spec = spec,
            StartedAt = _options.TimeProvider.GetUtcNow(),
            Ports = ports,
            DriverState = new Dictionary<string, string> { [PidKey] = process.Pid.ToString(CultureInfo.InvariantCulture) },
        };
        var handle = new TaskHandle(state);
        _tasks[state.TaskId] = (handle, process);
        var runFor = config.TryGetValue("run_for", out var text) ? ParseDuration(text) : _options.DefaultRunFor;
        var exitCode = config.TryGetValue("exit_code", out var code) ? int.Parse(code, CultureInfo.InvariantCulture) : _options.DefaultExitCode;
        if (runFor != Timeout.InfiniteTimeSpan)
        {
            _ = EndAfterAsync(process, runFor, exitCode);
        }

        return handle;
    }

    /// <inheritdoc />
    public Task<ExitResult> WaitAsync(TaskHandle handle, CancellationToken cancellationToken) =>
        Find(handle).Process.Exit.WaitAsync(cancellationToken);

    /// <inheritdoc />
    public async Task StopAsync(TaskHandle handle, TimeSpan grace, CancellationToken cancellationToken)
    {
        var (_, process) = Find(handle);
        if (!process.Exit.IsCompleted)
        {
            if (handle.State.Spec.DriverConfig.GetValueOrDefault("ignore_stop") == "true")
            {
                await Task.WhenAny(process.Exit, Task.Delay(grace, _options.TimeProvider, cancellationToken)).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                process.End(new ExitResult(128 + 9, 9), recorded: false);
            }
            else
            {
                process.End(new ExitResult(128 + 15, 15), recorded: true);
            }
        }

        _tasks.TryRemove(handle.TaskId, out _);
    }

    /// <inheritdoc />
    public Task<TaskHandle?> RecoverAsync(TaskHandleState persisted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(persisted);
        if (persisted.DriverKind != Kind)
        {
            throw new ArgumentException($"the task was started by the {persisted.DriverKind} driver, not the {Kind} driver", nameof(persisted));
        }

        if (LeaderOf(persisted) is not { } pid || _options.Processes.Find(pid) is not { } process
            || (process.Exit.IsCompleted && !process.Recorded))
        {
            return Task.FromResult<TaskHandle?>(null);
        }

        var handle = new TaskHandle(persisted);
        _tasks[persisted.TaskId] = (handle, process);
        return Task.FromResult<TaskHandle?>(handle);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<TaskLogLine> FollowLogsAsync(TaskHandle handle, CancellationToken cancellationToken) =>
        TaskLogFiles.FollowAsync(handle.State.Spec.LogDirectory, Find(handle).Process.Exit, TimeSpan.FromMilliseconds(20), cancellationToken);

    /// <summary>Forgets the tasks; their pretend processes keep running on the process table.</summary>
    public ValueTask DisposeAsync()
    {
        _tasks.Clear();
        return ValueTask.CompletedTask;
    }

    internal static int? LeaderOf(TaskHandleState state) =>
        state.DriverState.TryGetValue(PidKey, out var text) && int.TryParse(text, CultureInfo.InvariantCulture, out var pid) ? pid : null;

    /// <summary>Reads <c>250ms</c>, <c>2s</c>, <c>1m</c>, <c>forever</c> or a <see cref="TimeSpan"/> (<c>00:00:02</c>).</summary>
    internal static TimeSpan ParseDuration(string text) => text.Trim() switch
    {
        "forever" => Timeout.InfiniteTimeSpan,
        var t when t.EndsWith("ms", StringComparison.Ordinal) => TimeSpan.FromMilliseconds(double.Parse(t[..^2], CultureInfo.InvariantCulture)),
        var t when t.EndsWith('s') => TimeSpan.FromSeconds(double.Parse(t[..^1], CultureInfo.InvariantCulture)),
        var t when t.EndsWith('m') => TimeSpan.FromMinutes(double.Parse(t[..^1], CultureInfo.InvariantCulture)),
        var t => TimeSpan.Parse(t, CultureInfo.InvariantCulture),
    };

    private async Task EndAfterAsync(FakeProcess process, TimeSpan runFor, int exitCode)
    {
        try
        {
            await Task.Delay(runFor, _options.TimeProvider, process.Running.Token).ConfigureAwait(false);
            process.End(ExitResult.FromExitCode(exitCode), recorded: true);
        }
        catch (OperationCanceledException)
        {
            // Stopped or killed before its time.
        }
    }

    private static IEnumerable<string> Lines(IReadOnlyDictionary<string, string> config, string key) =>
        config.TryGetValue(key, out var text) ? text.Split('\n') : [];

    private (TaskHandle Handle, FakeProcess Process) Find(TaskHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (_tasks.TryGetValue(handle.TaskId, out var task))
        {
            return task;
        }

        // A stopped task is forgotten, but its pretend process still answers how it ended.
        if (LeaderOf(handle.State) is { } pid && _options.Processes.Find(pid) is { } process)
        {
            return (handle, process);
        }

        throw new InvalidOperationException($"{handle} is not known to this driver; recover it first");
    }
}
