using Microsoft.Extensions.Logging;
using Wharf.Agent.Drivers;
using Wharf.Domain.Agents;

namespace Wharf.Agent;

/// <summary>
/// One rank on this node, from its start to its end (Nomad's task runner): starts it through its driver (or takes
/// over a task a previous agent started), follows its logs, waits for its exit, starts it again when the assignment
/// says <c>restartOnExit</c> and nobody asked it to stop, and reports each step as a <see cref="TaskEvent"/>. While
/// it runs, its handle is persisted in the state folder so that a restarted agent can take it back.
/// </summary>
internal sealed partial class TaskRunner
{
    // How long an exit report waits for the task's last lines to reach the server, so followers see them first.
    private static readonly TimeSpan LogSettle = TimeSpan.FromSeconds(5);
    private readonly AgentContext _context;
    private readonly IDriver _driver;
    private readonly CancellationTokenSource _stopRequested = new();
    private readonly Lock _gate = new();
    private readonly RetryDelay _restartDelay;
    private TaskSpec? _spec;
    private TaskHandle? _handle;
    private StopOrder? _stop;
    private int _restarts;

    private TaskRunner(AgentContext context, IDriver driver, TaskAssignment assignment, TaskHandle? recovered, LogCursor shipped)
    {
        _context = context;
        _driver = driver;
        Assignment = assignment;
        Ref = new TaskRef(assignment.JobId, assignment.Rank);
        Logs = new LogSource(Ref, shipped);
        _handle = recovered;
        _spec = recovered?.State.Spec;
        _restartDelay = new RetryDelay(context.Options.RestartDelay, context.Options.MaxRestartDelay, jitter: false);
    }

    /// <summary>The rank.</summary>
    public TaskRef Ref { get; }

    /// <summary>What the server asked for.</summary>
    public TaskAssignment Assignment { get; }

    /// <summary>The rank's logs, as far as they were read and shipped.</summary>
    public LogSource Logs { get; }

    /// <summary>Completes when the runner is done: the rank ended and was reported, or the agent stopped watching it.</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>A runner that will start a new assignment.</summary>
    public static TaskRunner ForAssignment(AgentContext context, IDriver driver, TaskAssignment assignment) =>
        new(context, driver, assignment, null, new LogCursor());

    /// <summary>A runner over a task a previous agent started and this one took back.</summary>
    public static TaskRunner ForRecovered(AgentContext context, IDriver driver, PersistedTask persisted, TaskHandle handle) =>
        new(context, driver, persisted.Assignment, handle, persisted.Logs);

    /// <summary>Starts the runner's work in the background; see <see cref="Completion"/>.</summary>
    public void Start() => Completion = Task.Run(RunAsync);

    /// <summary>
    /// Asks the rank to stop: TERM, up to <paramref name="grace"/>, then KILL, and no restart. Its exit is reported
    /// (with <paramref name="reason"/>) unless <paramref name="reportExit"/> is false, for a rank the server has
    /// already given up. A second request changes nothing.
    /// </summary>
    public void RequestStop(TimeSpan grace, string reason, bool reportExit)
    {
        TaskHandle? handle;
        lock (_gate)
        {
            if (_stop is not null)
            {
                return;
            }

            _stop = new StopOrder(grace, reason, reportExit);
            handle = _handle;
        }

        _context.Log.LogInformation("Stopping job {JobId} rank {Rank}: {Reason}", Ref.JobId, Ref.Rank, reason);
        _stopRequested.Cancel();
        if (handle is not null)
        {
            StopInDriver(handle, grace);
        }
    }

    private async Task RunAsync()
    {
        var keep = false;
        try
        {
            var handle = _handle ?? await StartFirstAsync().ConfigureAwait(false);
            while (handle is not null)
            {
                var (exit, ran) = await WatchAsync(handle).ConfigureAwait(false);
                handle = await AfterExitAsync(handle, exit, ran).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_context.Detaching.IsCancellationRequested)
        {
            // The agent stops and leaves the task running: the next agent takes it back from the persisted handle.
            keep = CurrentHandle() is not null;
        }
        catch (Exception e)
        {
            _context.Log.LogError(e, "Lost track of job {JobId} rank {Rank}", Ref.JobId, Ref.Rank);
            Report(TaskEventKind.Lost, message: $"the agent lost track of the task: {e.Message}");
            if (CurrentHandle() is { } handle)
            {
                StopInDriver(handle, _context.Options.StopGrace);
            }
        }
        finally
        {
            Finish(keep);
        }
    }

    private async Task<TaskHandle?> StartFirstAsync()
    {
        TaskHandle handle;
        try
        {
            _spec = TaskSpecs.From(Assignment, _context.Data) with { BeforeLaunch = Assignment.Templates.Count > 0 ? OnLaunchAsync : null };
            handle = await _driver.StartAsync(_spec, _context.Detaching).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !_context.Detaching.IsCancellationRequested)
        {
            _context.Log.LogWarning("Job {JobId} rank {Rank} could not be started: {Problem}", Ref.JobId, Ref.Rank, e.Message);
            Report(TaskEventKind.StartFailed, message: e.Message);
            return null;
        }

        var stop = Adopt(handle);
        _context.Log.LogInformation("Started job {JobId} rank {Rank} as {Task}", Ref.JobId, Ref.Rank, handle);
        Report(TaskEventKind.Started, handle, message: handle.Warnings.Count > 0 ? string.Join("; ", handle.Warnings) : null);
        RunPostStart();
        if (stop is not null)
        {
            StopInDriver(handle, stop.Grace);
        }

        return handle;
    }

    /// <summary>Follows the task's logs until it exits; returns how it ended and how long it ran.</summary>
    private async Task<(ExitResult Exit, TimeSpan Ran)> WatchAsync(TaskHandle handle)
    {
        // Started here, not queued to the thread pool: the follower reads what is there and then awaits. A rank
        // without a health check gets no monitor at all.
        var follower = FollowLogsAsync(handle);
        using var watching = Assignment.HealthCheck is null ? null : CancellationTokenSource.CreateLinkedTokenSource(_context.Detaching);
        var monitor = watching is null ? Task.CompletedTask : Task.Run(() => MonitorHealthAsync(handle, watching.Token));
        var exit = await _driver.WaitAsync(handle, _context.Detaching).ConfigureAwait(false);
        if (watching is not null)
        {
            await watching.CancelAsync().ConfigureAwait(false);
            await monitor.ConfigureAwait(false);
        }

        var ran = _context.Time.GetUtcNow() - handle.State.StartedAt;
        try
        {
            await follower.WaitAsync(LogSettle, _context.Time, _context.Detaching).ConfigureAwait(false);
            await _context.Logs.WhenShippedAsync(_context.Detaching).WaitAsync(LogSettle, _context.Time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _context.Log.LogDebug("The last lines of job {JobId} rank {Rank} are still on their way", Ref.JobId, Ref.Rank);
        }

        return (exit, ran);
    }

    /// <summary>Starts the rank again when it should be and returns its new handle; otherwise reports its exit and returns null.</summary>
    private async Task<TaskHandle?> AfterExitAsync(TaskHandle handle, ExitResult exit, TimeSpan ran)
    {
        // monit restarts a watched process whatever ended it; too many restarts in the window and it gives up.
        if ((Assignment.RestartOnExit || Assignment.HealthCheck is not null) && CurrentStop() is null
            && Flapping() is { } flapping)
        {
            await ReleaseAsync(handle).ConfigureAwait(false);
            _context.Log.LogWarning("Job {JobId} rank {Rank} is {Problem}", Ref.JobId, Ref.Rank, flapping);
            Report(TaskEventKind.Exited, exitCode: exit.ExitCode == 0 ? 1 : exit.ExitCode, message: flapping);
            return null;
        }

        if ((Assignment.RestartOnExit || Assignment.HealthCheck is not null) && CurrentStop() is null)
        {
            if (ran > _context.Options.MaxRestartDelay)
            {
                _restartDelay.Reset();
            }

            var delay = _restartDelay.Next();
            using (var waiting = CancellationTokenSource.CreateLinkedTokenSource(_stopRequested.Token, _context.Detaching))
            {
                try
                {
                    await Task.Delay(delay, _context.Time, waiting.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!_context.Detaching.IsCancellationRequested)
                {
                    // Asked to stop while waiting: the rank is not started again.
                }
            }

            _context.Detaching.ThrowIfCancellationRequested();
            if (CurrentStop() is null)
            {
                return await RestartAsync(handle, exit, delay).ConfigureAwait(false);
            }
        }

        await ReleaseAsync(handle).ConfigureAwait(false);
        var stop = CurrentStop();
        if (stop is null || stop.ReportExit)
        {
            _context.Log.LogInformation("Job {JobId} rank {Rank} ended with exit code {ExitCode}", Ref.JobId, Ref.Rank, exit.ExitCode);
            Report(TaskEventKind.Exited, exitCode: exit.ExitCode, message: Describe(exit, stop) + HookProblems());
        }

        return null;
    }

    private async Task<TaskHandle?> RestartAsync(TaskHandle ended, ExitResult exit, TimeSpan delay)
    {
        await ReleaseAsync(ended).ConfigureAwait(false);
        TaskHandle handle;
        try
        {
            handle = await _driver.StartAsync(_spec!, _context.Detaching).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !_context.Detaching.IsCancellationRequested)
        {
            Report(TaskEventKind.Exited, exitCode: exit.ExitCode, message: $"{TakeRestartCause(exit)}; could not be started again: {e.Message}");
            return null;
        }

        _restarts++;
        var stop = Adopt(handle);
        var message = $"{TakeRestartCause(exit)}; started again after {(long)delay.TotalMilliseconds} ms (restart {_restarts})";
        _context.Log.LogInformation("Job {JobId} rank {Rank} {Message}", Ref.JobId, Ref.Rank, message);
        Report(TaskEventKind.Restarted, handle, exit.ExitCode, message);
        if (stop is not null)
        {
            StopInDriver(handle, stop.Grace);
        }

        return handle;
    }
}
