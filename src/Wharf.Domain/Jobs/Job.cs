namespace Wharf.Domain.Jobs;

/// <summary>
/// A job: an immutable <see cref="Specification"/>, a <see cref="Status"/> that only <see cref="Apply"/> and
/// <see cref="Extend"/> change, and the history of those changes. Time is always passed in.
/// </summary>
public sealed record Job
{
    /// <summary>The job's id: a decimal number, as UCloud gives it.</summary>
    public required string Id { get; init; }

    /// <summary>Who created it, and for which project.</summary>
    public required Owner Owner { get; init; }

    /// <summary>What was asked for.</summary>
    public required JobSpecification Specification { get; init; }

    /// <summary>Where it stands now.</summary>
    public required JobStatus Status { get; init; }

    /// <summary>Every change since creation, oldest first.</summary>
    public IReadOnlyList<JobUpdate> Updates { get; init; } = [];

    /// <summary>When the job was accepted.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Advances with every saved change; the store compares it to refuse lost updates.</summary>
    public long Version { get; init; }

    /// <summary>The first history entry of a new job.</summary>
    public static JobUpdate Accepted(DateTimeOffset now) => new(now, JobState.InQueue, "Job accepted");

    /// <summary>
    /// Computes the change <paramref name="transition"/> makes to this job at <paramref name="now"/>.
    /// Throws <see cref="InvalidTransitionException"/> when the job's state is not one of the transition's sources.
    /// </summary>
    /// <param name="transition">The transition to take.</param>
    /// <param name="now">The time of the change.</param>
    /// <param name="reason">Why, for people; a default sentence per transition when null.</param>
    /// <param name="exitCode">The exit code that caused it, if any.</param>
    /// <param name="amend">Further changes to the status made in the same step (rank details, placement).</param>
    public JobChange Apply(
        JobTransition transition, DateTimeOffset now, string? reason = null, int? exitCode = null, Func<JobStatus, JobStatus>? amend = null)
    {
        ArgumentNullException.ThrowIfNull(transition);
        if (!transition.IsPossibleFrom(Status.State))
        {
            throw new InvalidTransitionException(Id, transition, Status.State);
        }

        var status = (amend?.Invoke(Status) ?? Status) with
        {
            State = transition.Destination,
            Reason = reason ?? DefaultReason(transition),
            ExitCode = exitCode ?? Status.ExitCode,
        };

        if (transition.Destination == JobState.Running && status.StartedAt is null)
        {
            // The allocation is measured from the first start; a restart elsewhere keeps the deadline.
            status = status with
            {
                StartedAt = now,
                ExpiresAt = status.TimeAllocation is { } allocation ? now + allocation.ToTimeSpan() : null,
            };
        }

        var update = new JobUpdate(now, transition.Destination, status.Reason);
        var after = this with { Status = status, Updates = [.. Updates, update], Version = Version + 1 };
        return new JobChange(after, Status.State, Version, update, transition);
    }

    /// <summary>
    /// Computes a change of status data that keeps the state (a rank's placement, address or exit), with a history
    /// entry saying what happened. Throws <see cref="InvalidOperationException"/> if <paramref name="amend"/> changes the state:
    /// state changes go through <see cref="Apply"/>.
    /// </summary>
    public JobChange Amend(Func<JobStatus, JobStatus> amend, DateTimeOffset now, string message)
    {
        ArgumentNullException.ThrowIfNull(amend);
        var status = amend(Status);
        if (status.State != Status.State)
        {
            throw new InvalidOperationException($"job {Id}: a state change must go through a transition");
        }

        var update = new JobUpdate(now, null, message);
        var after = this with { Status = status, Updates = [.. Updates, update], Version = Version + 1 };
        return new JobChange(after, Status.State, Version, update, null);
    }

    /// <summary>
    /// Computes an extension of the time allocation by <paramref name="requested"/>. A running job's deadline moves;
    /// a waiting job's allocation grows. Throws <see cref="InvalidOperationException"/> for a job without an allocation
    /// or in a final state.
    /// </summary>
    public JobChange Extend(SimpleDuration requested, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(requested);
        if (Status.State.IsFinal())
        {
            throw new InvalidOperationException($"job {Id} is {Status.State.ToWire()} and can no longer be extended");
        }

        if (Status.TimeAllocation is not { } current)
        {
            throw new InvalidOperationException($"job {Id} has no time allocation to extend");
        }

        var extra = requested.ToTimeSpan();
        var allocation = SimpleDuration.From(current.ToTimeSpan() + extra);
        var status = Status with
        {
            TimeAllocation = allocation,
            ExpiresAt = Status.ExpiresAt is { } expires ? expires + extra : null,
        };
        var update = new JobUpdate(now, null, $"Time allocation extended by {Describe(extra)}");
        var after = this with { Status = status, Updates = [.. Updates, update], Version = Version + 1 };
        return new JobChange(after, Status.State, Version, update, null);
    }

    private static string DefaultReason(JobTransition transition) => transition.Name switch
    {
        "start" => "Job is running",
        "complete" => "Job finished",
        "fail" => "Job failed",
        "expire" => "Time allocation spent",
        "terminate" => "Terminate requested; stopping",
        "cancel" => "Terminated before it ran",
        "suspend" => "Job suspended",
        "unsuspend" => "Job resumed; waiting for capacity",
        "requeue" => "Job requeued",
        _ => transition.Name,
    };

    private static string Describe(TimeSpan span) =>
        span.TotalHours >= 1 ? $"{(long)span.TotalHours}h{span.Minutes:00}m{span.Seconds:00}s"
        : span.TotalMinutes >= 1 ? $"{span.Minutes}m{span.Seconds:00}s"
        : $"{span.Seconds}s";
}
