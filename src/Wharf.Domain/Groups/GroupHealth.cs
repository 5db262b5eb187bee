using Wharf.Domain.Jobs;

namespace Wharf.Domain.Groups;

/// <summary>A group's aggregate state, computed from its wanted state and its jobs' states.</summary>
public static class GroupHealth
{
    /// <summary>Jobs are still waiting to start (none failed).</summary>
    public const string Starting = "STARTING";

    /// <summary>Every job runs, or ended successfully (one-shot components).</summary>
    public const string Running = "RUNNING";

    /// <summary>A job failed or expired while the group is wanted running.</summary>
    public const string Degraded = "DEGRADED";

    /// <summary>Stop or delete was asked and some job still stops.</summary>
    public const string Stopping = "STOPPING";

    /// <summary>Stopped or deleted, and every job has ended.</summary>
    public const string Stopped = "STOPPED";

    /// <summary>Every job ended on its own (all SUCCESS) while the group was wanted running.</summary>
    public const string Completed = "COMPLETED";

    /// <summary>The aggregate of <paramref name="state"/> and the states of the group's jobs.</summary>
    public static string Of(GroupState state, IReadOnlyCollection<JobState> jobs)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        if (state != GroupState.Active)
        {
            return jobs.All(s => s.IsFinal()) ? Stopped : Stopping;
        }

        if (jobs.Any(s => s is JobState.Failure or JobState.Expired))
        {
            return Degraded;
        }

        if (jobs.Count > 0 && jobs.All(s => s == JobState.Success))
        {
            return Completed;
        }

        return jobs.All(s => s is JobState.Running or JobState.Success) ? Running : Starting;
    }
}
