namespace Wharf.Domain.Jobs;

/// <summary>What the system knows of a job now; only transitions and extensions change it.</summary>
public sealed record JobStatus
{
    /// <summary>The current state.</summary>
    public JobState State { get; init; } = JobState.InQueue;

    /// <summary>When the job first reached RUNNING; null before.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When the time allocation runs out: <c>startedAt + timeAllocation</c>, moved by extend; null without an allocation or before start.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>The time allocation in force, the specification's plus every extension; null means no limit.</summary>
    public SimpleDuration? TimeAllocation { get; init; }

    /// <summary>A sentence a person can read: why the job waits, or how it ended.</summary>
    public string? Reason { get; init; }

    /// <summary>The exit code that ended the job, when a process ended it.</summary>
    public int? ExitCode { get; init; }

    /// <summary>The queue the job waits in.</summary>
    public string Queue { get; init; } = Queues.Default;

    /// <summary>The job's position key in its queue: lower runs first. Clients move jobs by changing it.</summary>
    public long Priority { get; init; }

    /// <summary>Where each rank was placed and how it is doing; null while the job waits unplaced.</summary>
    public IReadOnlyList<RankStatus>? Ranks { get; init; }

    /// <summary>The user who asked to terminate the job, once someone did; its final reason names them.</summary>
    public string? TerminatedBy { get; init; }

    /// <summary>Observations about the job (health, what an external orchestrator reported), one per type; null when none.</summary>
    public IReadOnlyList<JobCondition>? Conditions { get; init; }

    /// <summary>
    /// The replica count in force when it was changed after creation (an ICOS scale-out/in remediation); null: the
    /// specification's.
    /// </summary>
    public int? Replicas { get; init; }

    /// <summary>What a door keeps about the job as it changes (ICOS: owner agent, job type and state); null when none.</summary>
    public IReadOnlyDictionary<string, string>? DoorState { get; init; }
}

/// <summary>Queue names.</summary>
public static class Queues
{
    /// <summary>The queue of jobs that name none.</summary>
    public const string Default = "default";
}
