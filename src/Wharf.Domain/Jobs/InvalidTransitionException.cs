namespace Wharf.Domain.Jobs;

/// <summary>Thrown when a transition is asked of a job in a state it cannot start from.</summary>
public sealed class InvalidTransitionException : InvalidOperationException
{
    /// <summary>Creates the exception for <paramref name="transition"/> attempted from <paramref name="from"/>.</summary>
    public InvalidTransitionException(string jobId, JobTransition transition, JobState from)
        : base($"job {jobId}: cannot {transition.Name} from {from.ToWire()} (possible from {string.Join(", ", transition.Sources.Select(s => s.ToWire()))})")
    {
        JobId = jobId;
        Transition = transition;
        From = from;
    }

    /// <summary>The job.</summary>
    public string JobId { get; }

    /// <summary>The transition that was refused.</summary>
    public JobTransition Transition { get; }

    /// <summary>The state the job was in.</summary>
    public JobState From { get; }
}
