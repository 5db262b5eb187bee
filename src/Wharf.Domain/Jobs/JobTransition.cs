namespace Wharf.Domain.Jobs;

/// <summary>
/// One edge of the job state machine, as data: the states it may start from, where it goes, and what it causes.
/// All edges are listed in <see cref="JobTransitions"/>.
/// </summary>
/// <param name="Name">A stable name for logs and errors (<c>terminate</c>, <c>start</c>, …).</param>
/// <param name="Sources">The states from which this transition is possible.</param>
/// <param name="Destination">The state the job is in afterwards.</param>
/// <param name="Effects">What the change causes besides the state.</param>
public sealed record JobTransition(string Name, IReadOnlySet<JobState> Sources, JobState Destination, JobEffects Effects)
{
    /// <summary>True when the transition may start from <paramref name="state"/>.</summary>
    public bool IsPossibleFrom(JobState state) => Sources.Contains(state);
}
