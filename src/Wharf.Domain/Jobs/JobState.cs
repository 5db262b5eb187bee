namespace Wharf.Domain.Jobs;

/// <summary>
/// The state of a job, with UCloud's seven names on the wire (<c>IN_QUEUE</c> … <c>SUSPENDED</c>).
/// Every change between states goes through <see cref="JobTransitions"/>.
/// </summary>
public enum JobState
{
    /// <summary>Accepted and waiting for capacity. Set by the API on create, and by unsuspend or a lost lease with restartOnExit.</summary>
    InQueue,

    /// <summary>Placed, and every rank started by its agent. Set when the agent reports the start.</summary>
    Running,

    /// <summary>A terminate was asked of a running job; the agent is stopping its processes. Set by the API.</summary>
    Canceling,

    /// <summary>Final. Exited with code 0, or terminated by a user. Set by the agent's report or by the API for queued jobs.</summary>
    Success,

    /// <summary>Final. A rank exited non-zero, failed to start, or its node was lost. Set by the agent or the lease watchdog.</summary>
    Failure,

    /// <summary>Final. The time allocation was spent and the job was stopped. Set by the expiry timer.</summary>
    Expired,

    /// <summary>Stopped on request with its capacity released; not final. Unsuspend puts it back in the queue.</summary>
    Suspended,
}

/// <summary>Facts about <see cref="JobState"/> values.</summary>
public static class JobStateFacts
{
    /// <summary>True for the states that never change again: SUCCESS, FAILURE and EXPIRED.</summary>
    public static bool IsFinal(this JobState state) =>
        state is JobState.Success or JobState.Failure or JobState.Expired;

    /// <summary>True for the states in which a job holds or waits for capacity (IN_QUEUE, RUNNING, CANCELING).</summary>
    public static bool IsActive(this JobState state) =>
        state is JobState.InQueue or JobState.Running or JobState.Canceling;

    /// <summary>The wire name of a state, as UCloud spells it (<c>IN_QUEUE</c>).</summary>
    public static string ToWire(this JobState state) => state switch
    {
        JobState.InQueue => "IN_QUEUE",
        JobState.Running => "RUNNING",
        JobState.Canceling => "CANCELING",
        JobState.Success => "SUCCESS",
        JobState.Failure => "FAILURE",
        JobState.Expired => "EXPIRED",
        JobState.Suspended => "SUSPENDED",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    /// <summary>Parses a wire name (case-insensitive); false for anything else.</summary>
    public static bool TryParseWire(string? text, out JobState state)
    {
        foreach (var candidate in Enum.GetValues<JobState>())
        {
            if (string.Equals(candidate.ToWire(), text, StringComparison.OrdinalIgnoreCase))
            {
                state = candidate;
                return true;
            }
        }

        state = default;
        return false;
    }
}
