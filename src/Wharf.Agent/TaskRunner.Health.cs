using System.Globalization;
using Microsoft.Extensions.Logging;
using Wharf.Agent.Drivers;
using Wharf.Domain.Agents;

namespace Wharf.Agent;

/// <summary>
/// Health monitoring (<c>docs/lifecycle.md</c>): probes the rank while it runs; once unhealthy it is stopped and, like
/// a rank that died, started again after a growing delay, until it restarted too often within the window (flapping).
/// </summary>
internal sealed partial class TaskRunner
{
    private readonly Queue<DateTimeOffset> _healthRestarts = new();
    private string? _unhealthy;

    /// <summary>Probes the rank until it exits or <paramref name="cancellationToken"/> ends; stops it once unhealthy.</summary>
    private async Task MonitorHealthAsync(TaskHandle handle, CancellationToken cancellationToken)
    {
        if (Assignment.HealthCheck is not { } check || _spec is not { } spec)
        {
            return;
        }

        var failures = 0;
        // Only transitions are reported: the first pass of this run of the rank (the server cleared its health when
        // it started), and the threshold reached. A run ends at its first unhealthy report, so each run reports
        // Healthy at most once.
        var reportedHealthy = false;
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(check.IntervalSeconds), _context.Time, cancellationToken).ConfigureAwait(false);
                var (problem, transcript) = await HealthProbe.RunAsync(check, handle, spec, HookEnvironment(), cancellationToken, InTaskNetwork()).ConfigureAwait(false);
                if (transcript.Count > 0)
                {
                    _context.HookLogs.Send(Ref.JobId, Ref.Rank, HealthProbe.LogName, transcript);
                }

                failures = problem is null ? 0 : failures + 1;
                if (problem is null && !reportedHealthy && CurrentStop() is null)
                {
                    reportedHealthy = true;
                    Report(TaskEventKind.Healthy);
                }

                if (problem is not null && failures >= check.FailureThreshold && CurrentStop() is null)
                {
                    _unhealthy = string.Create(CultureInfo.InvariantCulture, $"unhealthy after {failures} failed probes: {problem}");
                    _context.Log.LogWarning("Job {JobId} rank {Rank} is {Problem}", Ref.JobId, Ref.Rank, _unhealthy);
                    // Reported before the stop, so the job shows why before its restart (or flapping) is reported.
                    Report(TaskEventKind.Unhealthy, message: problem);
                    await _driver.StopAsync(handle, _context.Options.StopGrace, CancellationToken.None).ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>With a health check, whether this restart makes the rank flapping (and then why).</summary>
    private string? Flapping()
    {
        if (Assignment.HealthCheck is not { } check)
        {
            return null;
        }

        var now = _context.Time.GetUtcNow();
        while (_healthRestarts.Count > 0 && now - _healthRestarts.Peek() > TimeSpan.FromSeconds(check.WindowSeconds))
        {
            _healthRestarts.Dequeue();
        }

        if (_healthRestarts.Count >= check.MaxRestarts)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"flapping: restarted {_healthRestarts.Count} times within {check.WindowSeconds} s; last {_unhealthy ?? "its process ended"}");
        }

        _healthRestarts.Enqueue(now);
        return null;
    }

    /// <summary>Why the rank is being restarted, for the report: unhealthy, or only its exit.</summary>
    private string TakeRestartCause(ExitResult exit)
    {
        var cause = _unhealthy is { } unhealthy ? $"{unhealthy} ({Describe(exit, null)})" : Describe(exit, null);
        _unhealthy = null;
        return cause;
    }
}
