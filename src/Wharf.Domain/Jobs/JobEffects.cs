namespace Wharf.Domain.Jobs;

/// <summary>
/// The side effects a transition asks for, as data (Temporal's <c>TransitionOutput</c>). The store records them in the
/// same transaction as the state change; the server's timers, dispatcher and callbacks act on them.
/// </summary>
[Flags]
public enum JobEffects
{
    /// <summary>Nothing beyond the state change and its history entry.</summary>
    None = 0,

    /// <summary>The capacity the job held on its nodes is free again; the scheduler should run.</summary>
    ReleaseCapacity = 1 << 0,

    /// <summary>Arm the expiry timer at <see cref="JobStatus.ExpiresAt"/>.</summary>
    ArmExpiry = 1 << 1,

    /// <summary>Disarm the expiry timer.</summary>
    DisarmExpiry = 1 << 2,

    /// <summary>The agent holding the job must stop its processes.</summary>
    StopOnAgent = 1 << 3,

    /// <summary>The job (again) waits for capacity; the scheduler should run.</summary>
    Enqueue = 1 << 4,

    /// <summary>Followers and callbacks hear of the change. Every transition notifies.</summary>
    Notify = 1 << 5,
}
