using Wharf.Domain.Agents;
using Wharf.Domain.Jobs;

namespace Wharf.Server.Execution;

/// <summary>
/// What an agent's report about one rank does to its job, as pure decisions over the job as saved: the changes to
/// make (through <see cref="Job.Apply"/> and <see cref="Job.Amend"/>), none when the report is a repeat or comes too late.
/// Repeats change nothing because each decision looks at the rank's state first (a rank already running does not
/// start again, one already exited does not exit again).
/// </summary>
internal static class RankReports
{
    /// <summary>The type of the job condition that says whether its ranks pass their health checks.</summary>
    public const string HealthyCondition = "Healthy";

    /// <summary>The changes <paramref name="report"/> makes to <paramref name="job"/>, in order (the second, if any, applies to the first's result).</summary>
    public static IReadOnlyList<JobChange> Decide(Job job, TaskEvent report, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(report);
        var ranks = job.Status.Ranks;
        if (ranks is null || report.Rank < 0 || report.Rank >= ranks.Count)
        {
            return [];
        }

        var rank = ranks[report.Rank];
        return report.Kind switch
        {
            TaskEventKind.Started => Started(job, rank, report, now),
            TaskEventKind.StartFailed => Gone(job, rank, now, exitCode: null, $"Rank {rank.Rank} failed to start: {Sentence(report.Message, "no reason given")}"),
            TaskEventKind.Exited => Exited(job, rank, report.ExitCode ?? -1, now, report.Message),
            TaskEventKind.Restarted => Restarted(job, rank, report, now),
            TaskEventKind.Lost => Gone(job, rank, now, exitCode: null, $"Rank {rank.Rank} lost: {Sentence(report.Message, "its agent lost track of it")}"),
            TaskEventKind.Healthy => Health(job, rank, RankHealth.Healthy, null, now),
            TaskEventKind.Unhealthy => Health(job, rank, RankHealth.Unhealthy, Sentence(report.Message, "its health check failed"), now),
            _ => [],
        };
    }

    /// <summary>
    /// The changes that end the ranks of <paramref name="job"/> on <paramref name="lostNodes"/> because their agent's
    /// lease lapsed: a running job fails with "node lost" (or waits again when it restarts on exit), a job still
    /// starting waits again, a canceling one completes once nothing of it is left, and ended ones just drop the ranks.
    /// </summary>
    public static IReadOnlyList<JobChange> NodeLost(Job job, IReadOnlySet<string> lostNodes, DateTimeOffset now)
    {
        var ranks = job.Status.Ranks;
        if (ranks is null || !ranks.Any(r => r.State != RankState.Exited && lostNodes.Contains(r.NodeId)))
        {
            return [];
        }

        IReadOnlyList<RankStatus> gone = [.. ranks.Select(r => lostNodes.Contains(r.NodeId) && r.State != RankState.Exited ? r with { State = RankState.Exited } : r)];
        var nodes = string.Join(", ", ranks.Where(r => lostNodes.Contains(r.NodeId)).Select(r => r.NodeId).Distinct(StringComparer.Ordinal));
        switch (job.Status.State)
        {
            case JobState.InQueue:
                // Placed but not started: it simply waits again (ranks started elsewhere are stopped as orphans).
                return [job.Amend(s => s with { Ranks = null, Reason = "waiting: its node was lost before it started" }, now, $"Node lost before start: {nodes}")];
            case JobState.Running when job.Specification.RestartOnExit == true:
                return [job.Apply(JobTransitions.Requeue, now, $"node lost ({nodes}); waiting to run again", amend: s => s with { Ranks = null })];
            case JobState.Running:
                return [job.Apply(JobTransitions.Fail, now, "node lost", amend: s => s with { Ranks = gone })];
            case JobState.Canceling when gone.All(r => r.State == RankState.Exited):
                return [job.Apply(JobTransitions.Complete, now, TerminatedReason(job.Status), amend: s => s with { Ranks = gone })];
            default:
                return [job.Amend(s => s with { Ranks = gone }, now, $"Node lost: {nodes}")];
        }
    }

    /// <summary>The final reason of a terminated job.</summary>
    public static string TerminatedReason(JobStatus status) => $"terminated by {status.TerminatedBy ?? "a user"}";

    private static IReadOnlyList<JobChange> Started(Job job, RankStatus rank, TaskEvent report, DateTimeOffset now)
    {
        if (rank.State != RankState.Assigned || job.Status.State != JobState.InQueue)
        {
            return []; // a repeat, or the job stops already (the rank is stopped as it is)
        }

        var started = rank with { State = RankState.Running, Address = report.Address, Ports = report.Ports, HostPorts = report.HostPorts, Health = null };
        var ranks = Replace(job.Status.Ranks!, started);
        return ranks.All(r => r.State != RankState.Assigned)
            ? [job.Apply(JobTransitions.Start, now, amend: s => s with { Ranks = ranks })]
            : [job.Amend(s => s with { Ranks = ranks }, now, $"Rank {rank.Rank} started on {rank.NodeId}")];
    }

    private static IReadOnlyList<JobChange> Exited(Job job, RankStatus rank, int exitCode, DateTimeOffset now, string? note = null)
    {
        if (rank.State == RankState.Exited)
        {
            return [];
        }

        var ranks = Replace(job.Status.Ranks!, rank with { State = RankState.Exited, ExitCode = exitCode });
        var allExited = ranks.All(r => r.State == RankState.Exited);
        // An agent that gave up restarting an unhealthy rank says so; that is the reason, not the exit code.
        var message = note?.StartsWith("flapping", StringComparison.Ordinal) == true
            ? $"Rank {rank.Rank} {note}"
            : $"Rank {rank.Rank} exited with code {exitCode}";
        switch (job.Status.State)
        {
            case JobState.InQueue or JobState.Running when exitCode != 0:
                return [job.Apply(JobTransitions.Fail, now, message, exitCode, s => s with { Ranks = ranks })];
            case JobState.InQueue when allExited:
                // Every rank ran and ended before the last start was reported: it ran, and it finished.
                var start = job.Apply(JobTransitions.Start, now, amend: s => s with { Ranks = ranks });
                return [start, start.After.Apply(JobTransitions.Complete, now, exitCode: 0)];
            case JobState.InQueue when ranks.All(r => r.State != RankState.Assigned):
                return [job.Apply(JobTransitions.Start, now, amend: s => s with { Ranks = ranks })];
            case JobState.Running when allExited:
                return [job.Apply(JobTransitions.Complete, now, exitCode: 0, amend: s => s with { Ranks = ranks })];
            case JobState.Canceling when allExited:
                return [job.Apply(JobTransitions.Complete, now, TerminatedReason(job.Status), amend: s => s with { Ranks = ranks })];
            default:
                return [job.Amend(s => s with { Ranks = ranks }, now, message)];
        }
    }

    /// <summary>A rank that will not run (any more): failed to start, or lost by its agent.</summary>
    private static IReadOnlyList<JobChange> Gone(Job job, RankStatus rank, DateTimeOffset now, int? exitCode, string message)
    {
        if (rank.State == RankState.Exited)
        {
            return [];
        }

        var ranks = Replace(job.Status.Ranks!, rank with { State = RankState.Exited, ExitCode = exitCode });
        return job.Status.State switch
        {
            JobState.InQueue or JobState.Running => [job.Apply(JobTransitions.Fail, now, message, exitCode, s => s with { Ranks = ranks })],
            JobState.Canceling when ranks.All(r => r.State == RankState.Exited) =>
                [job.Apply(JobTransitions.Complete, now, TerminatedReason(job.Status), amend: s => s with { Ranks = ranks })],
            _ => [job.Amend(s => s with { Ranks = ranks }, now, message)],
        };
    }

    private static IReadOnlyList<JobChange> Restarted(Job job, RankStatus rank, TaskEvent report, DateTimeOffset now)
    {
        if (job.Status.State != JobState.Running || rank.State != RankState.Running)
        {
            return [];
        }

        // A new run is not known healthy until its first probe passes.
        var restarted = rank with
        {
            Health = null,
            Address = report.Address ?? rank.Address,
            Ports = report.Ports ?? rank.Ports,
            HostPorts = report.HostPorts ?? rank.HostPorts,
        };
        return [job.Amend(s => s with { Ranks = Replace(s.Ranks!, restarted) }, now, $"Rank {rank.Rank} restarted: {Sentence(report.Message, "it exited")}")];
    }

    /// <summary>
    /// A health transition of a running rank: its <see cref="RankStatus.Health"/>, and the job's condition
    /// <c>Healthy</c> — <c>False</c> (<c>ProbeFailed</c>) while a rank is unhealthy, <c>True</c> once every rank is
    /// healthy, <c>Unknown</c> while some rank has not passed a probe yet. A repeat changes nothing.
    /// </summary>
    private static IReadOnlyList<JobChange> Health(Job job, RankStatus rank, string health, string? problem, DateTimeOffset now)
    {
        if (rank.State != RankState.Running)
        {
            return []; // too late: the rank ended (or a report about a run that is over)
        }

        var ranks = Replace(job.Status.Ranks!, rank with { Health = health });
        var current = job.Status.Conditions?.FirstOrDefault(c => c.Type == HealthyCondition);
        var condition = HealthCondition(ranks, rank.Rank, problem, current, now);
        if (rank.Health == health && current is not null && current.Status == condition.Status
            && current.Reason == condition.Reason && current.Message == condition.Message)
        {
            return [];
        }

        var message = problem is null ? $"Rank {rank.Rank} is healthy" : $"Rank {rank.Rank} is unhealthy: {problem}";
        return [job.Amend(s => s with { Ranks = ranks, Conditions = JobCondition.Set(s.Conditions, condition) }, now, message)];
    }

    private static JobCondition HealthCondition(IReadOnlyList<RankStatus> ranks, int reported, string? problem, JobCondition? current, DateTimeOffset now)
    {
        if (problem is not null)
        {
            return new JobCondition(HealthyCondition, "False", now, "ProbeFailed", $"Rank {reported} is unhealthy: {problem}");
        }

        var live = ranks.Where(r => r.State != RankState.Exited).ToList();
        var unhealthy = live.Where(r => r.Health == RankHealth.Unhealthy).Select(r => $"Rank {r.Rank} is unhealthy").ToList();
        if (unhealthy.Count > 0)
        {
            // The condition naming a rank still unhealthy is kept: it has that rank's problem, which is known only from its report.
            return current is { Status: "False", Message: { } message } && unhealthy.Any(u => message.StartsWith(u, StringComparison.Ordinal))
                ? current
                : new JobCondition(HealthyCondition, "False", now, "ProbeFailed", unhealthy[0]);
        }

        return live.FirstOrDefault(r => r.Health != RankHealth.Healthy) is { } unprobed
            ? new JobCondition(HealthyCondition, "Unknown", now, "NotProbed", $"Rank {unprobed.Rank} has not passed a health probe yet")
            : new JobCondition(HealthyCondition, "True", now, "ProbesPassed", "Every rank passes its health check");
    }

    private static IReadOnlyList<RankStatus> Replace(IReadOnlyList<RankStatus> ranks, RankStatus changed) =>
        [.. ranks.Select(r => r.Rank == changed.Rank ? changed : r)];

    private static string Sentence(string? text, string fallback)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        text = text.Trim();
        return text.Length > 500 ? text[..500] + "…" : text;
    }
}
