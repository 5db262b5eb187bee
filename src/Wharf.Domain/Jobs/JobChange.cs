namespace Wharf.Domain.Jobs;

/// <summary>
/// A change computed from a job: the job after it, the history entry to append, and the effects to record.
/// The store saves it only if the job is still in <see cref="ExpectedState"/> at <see cref="ExpectedVersion"/>.
/// </summary>
/// <param name="After">The job as it is after the change (its version already advanced).</param>
/// <param name="ExpectedState">The state the job must still be in for the change to apply.</param>
/// <param name="ExpectedVersion">The version the job must still have.</param>
/// <param name="Update">The history entry appended.</param>
/// <param name="Transition">The transition taken, or null for a change that keeps the state (extend).</param>
public sealed record JobChange(Job After, JobState ExpectedState, long ExpectedVersion, JobUpdate Update, JobTransition? Transition)
{
    /// <summary>The effects the change causes.</summary>
    public JobEffects Effects => Transition?.Effects ?? JobEffects.Notify;

    /// <summary>Callbacks to deliver because of this change, written to the outbox in the same transaction as the change.</summary>
    public IReadOnlyList<CallbackMessage> Callbacks { get; init; } = [];
}
