namespace Wharf.Domain.Jobs;

/// <summary>
/// The job state machine: every transition a job can make, in one place. A change not listed here is impossible and
/// <see cref="Job.Apply"/> throws <see cref="InvalidTransitionException"/> for it.
/// </summary>
/// <remarks>
/// <code>
/// IN_QUEUE ──start──▶ RUNNING ──complete──▶ SUCCESS
///    │                  │ ├──fail──▶ FAILURE
///    │                  │ ├──expire──▶ EXPIRED
///    │                  │ ├──suspend──▶ SUSPENDED ──unsuspend──▶ IN_QUEUE
///    │                  │ └──requeue (node lost, restartOnExit)──▶ IN_QUEUE
///    └──cancel──▶ SUCCESS └──terminate──▶ CANCELING ──complete──▶ SUCCESS
/// </code>
/// </remarks>
public static class JobTransitions
{
    /// <summary>The agent started every rank.</summary>
    public static readonly JobTransition Start = new(
        "start", Set(JobState.InQueue), JobState.Running, JobEffects.ArmExpiry | JobEffects.Notify);

    /// <summary>Every rank exited 0, or the processes of a canceling job are gone.</summary>
    public static readonly JobTransition Complete = new(
        "complete", Set(JobState.Running, JobState.Canceling), JobState.Success,
        JobEffects.ReleaseCapacity | JobEffects.DisarmExpiry | JobEffects.Notify);

    /// <summary>A rank exited non-zero, could not start, or its node was lost.</summary>
    public static readonly JobTransition Fail = new(
        "fail", Set(JobState.InQueue, JobState.Running, JobState.Canceling), JobState.Failure,
        JobEffects.ReleaseCapacity | JobEffects.DisarmExpiry | JobEffects.StopOnAgent | JobEffects.Notify);

    /// <summary>The time allocation was spent.</summary>
    public static readonly JobTransition Expire = new(
        "expire", Set(JobState.Running, JobState.Canceling), JobState.Expired,
        JobEffects.ReleaseCapacity | JobEffects.DisarmExpiry | JobEffects.StopOnAgent | JobEffects.Notify);

    /// <summary>A user terminated a running job: its processes are being stopped.</summary>
    public static readonly JobTransition Terminate = new(
        "terminate", Set(JobState.Running), JobState.Canceling,
        JobEffects.DisarmExpiry | JobEffects.StopOnAgent | JobEffects.Notify);

    /// <summary>A user terminated a job that was not running; it never runs.</summary>
    public static readonly JobTransition Cancel = new(
        "cancel", Set(JobState.InQueue, JobState.Suspended), JobState.Success,
        JobEffects.ReleaseCapacity | JobEffects.StopOnAgent | JobEffects.Notify);

    /// <summary>A user suspended a running job: processes stop and capacity is released.</summary>
    public static readonly JobTransition Suspend = new(
        "suspend", Set(JobState.Running), JobState.Suspended,
        JobEffects.ReleaseCapacity | JobEffects.DisarmExpiry | JobEffects.StopOnAgent | JobEffects.Notify);

    /// <summary>A user resumed a suspended job: it waits for capacity again.</summary>
    public static readonly JobTransition Unsuspend = new(
        "unsuspend", Set(JobState.Suspended), JobState.InQueue, JobEffects.Enqueue | JobEffects.Notify);

    /// <summary>The node of a job with restartOnExit was lost: it waits to run elsewhere.</summary>
    public static readonly JobTransition Requeue = new(
        "requeue", Set(JobState.Running), JobState.InQueue,
        JobEffects.ReleaseCapacity | JobEffects.DisarmExpiry | JobEffects.Enqueue | JobEffects.Notify);

    /// <summary>Every transition, for tables and documentation.</summary>
    public static readonly IReadOnlyList<JobTransition> All =
        [Start, Complete, Fail, Expire, Terminate, Cancel, Suspend, Unsuspend, Requeue];

    /// <summary>The transition a user's terminate request makes from <paramref name="state"/>, or null when none can.</summary>
    public static JobTransition? ForTerminate(JobState state) =>
        Terminate.IsPossibleFrom(state) ? Terminate : Cancel.IsPossibleFrom(state) ? Cancel : null;

    private static HashSet<JobState> Set(params JobState[] states) => [.. states];
}
