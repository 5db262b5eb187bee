namespace Wharf.Domain.Jobs;

/// <summary>One entry of a job's history (UCloud's <c>updates[]</c>): what changed, when, and why.</summary>
/// <param name="Timestamp">When the change was applied.</param>
/// <param name="State">The new state, when the state changed; null for other changes (an extension).</param>
/// <param name="Status">A sentence describing the change.</param>
public sealed record JobUpdate(DateTimeOffset Timestamp, JobState? State, string? Status);
