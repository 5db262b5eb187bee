using System.Globalization;
using Microsoft.Extensions.Logging;
using Wharf.Agent.Drivers;

namespace Wharf.Agent;

/// <summary>
/// The lifecycle hooks of a rank (<c>docs/lifecycle.md</c>): templates rendered and <c>pre-start</c> run before each
/// launch, <c>post-start</c> after the first, and on a stop <c>pre-stop</c>, then <c>drain</c> (BOSH's protocol), then
/// the driver's stop, then <c>post-stop</c>. A hook's failure is written to its log and added to the rank's exit report.
/// </summary>
internal sealed partial class TaskRunner
{
    private readonly List<string> _hookProblems = [];
    private IReadOnlyDictionary<string, string>? _launchEnvironment;

    private LifecycleHook? Hook(string name) => _spec is { } spec ? LifecycleHook.Find(Assignment, name, spec.WorkingDirectory, spec.LogDirectory) : null;

    /// <summary>Runs a hook and sends its transcript to the server's log API under the hook's name.</summary>
    private async Task<HookOutcome> RunHookAsync(
        LifecycleHook hook, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var outcome = await hook.RunAsync(arguments, environment, cancellationToken, InTaskNetwork()).ConfigureAwait(false);
        _context.HookLogs.Send(Ref.JobId, Ref.Rank, hook.Name, outcome.Transcript);
        return outcome;
    }

    /// <summary>How to start a hook or health command inside the rank's network, once it has one; null: on the host.</summary>
    private Func<System.Diagnostics.Process, CancellationToken, Task>? InTaskNetwork() =>
        _driver is ITaskNetworkDriver network && CurrentHandle() is { } handle ? (process, ct) => network.StartInTaskNetworkAsync(handle, process, ct) : null;

    private IReadOnlyDictionary<string, string> HookEnvironment() =>
        _launchEnvironment ?? _spec?.Environment ?? new Dictionary<string, string>();

    private async Task OnLaunchAsync(TaskLaunchContext launch, CancellationToken cancellationToken)
    {
        await TaskSpecs.RenderTemplates(Assignment, _context.Data, launch, files => _context.Rendered.Send(Ref.JobId, Ref.Rank, files)).ConfigureAwait(false);
        _launchEnvironment = launch.Environment;
        if (Hook("pre-start") is { } hook && (await RunHookAsync(hook, [], launch.Environment, cancellationToken).ConfigureAwait(false)).Problem is { } problem)
        {
            throw new TaskStartException(problem);
        }
    }

    private void RunPostStart()
    {
        if (Hook("post-start") is not { } hook)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            var outcome = await RunHookAsync(hook, [], HookEnvironment(), CancellationToken.None).ConfigureAwait(false);
            if (outcome.Problem is { } problem)
            {
                AddHookProblem(problem);
                RequestStop(_context.Options.StopGrace, $"post-start failed: {problem}", reportExit: true);
            }
        });
    }

    private async Task BeforeStopAsync(TaskHandle handle)
    {
        if (Hook("pre-stop") is { } preStop)
        {
            AddHookProblem((await RunHookAsync(preStop, [], HookEnvironment(), CancellationToken.None).ConfigureAwait(false)).Problem);
        }

        if (Hook("drain") is { } drain && !_driver.WaitAsync(handle, CancellationToken.None).IsCompleted)
        {
            await DrainAsync(drain).ConfigureAwait(false);
        }
    }

    private async Task AfterStopAsync()
    {
        if (Hook("post-stop") is { } postStop)
        {
            AddHookProblem((await RunHookAsync(postStop, [], HookEnvironment(), CancellationToken.None).ConfigureAwait(false)).Problem);
        }
    }

    /// <summary>
    /// BOSH's drain: exit 0 printing N ≥ 0 → wait N seconds, then stop; N &lt; 0 → wait |N| seconds and call drain
    /// again. Any non-zero exit is a failure whatever was printed (unlike BOSH, cloudfoundry/bosh#1896); so is
    /// output that is not a whole number. After a failure the rank is stopped at once.
    /// </summary>
    private async Task DrainAsync(LifecycleHook drain)
    {
        for (var call = 1; ; call++)
        {
            var outcome = await RunHookAsync(drain, ["job_shutdown", "hash_unchanged"], HookEnvironment(), CancellationToken.None).ConfigureAwait(false);
            if (outcome.Problem is { } problem)
            {
                AddHookProblem(problem);
                return;
            }

            var last = outcome.Output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
            if (!long.TryParse(last, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds))
            {
                AddHookProblem($"drain printed '{last}', not a number of seconds");
                return;
            }

            _context.Log.LogInformation("Job {JobId} rank {Rank}: drain call {Call} asks to wait {Seconds} s", Ref.JobId, Ref.Rank, call, seconds);
            await Task.Delay(TimeSpan.FromSeconds(Math.Abs(seconds)), _context.Time).ConfigureAwait(false);
            if (seconds >= 0)
            {
                return;
            }
        }
    }

    private void AddHookProblem(string? problem)
    {
        if (problem is null)
        {
            return;
        }

        _context.Log.LogWarning("Job {JobId} rank {Rank}: {Problem}", Ref.JobId, Ref.Rank, problem);
        lock (_hookProblems)
        {
            _hookProblems.Add(problem);
        }
    }

    private string HookProblems()
    {
        lock (_hookProblems)
        {
            return _hookProblems.Count == 0 ? "" : "; " + string.Join("; ", _hookProblems);
        }
    }
}
