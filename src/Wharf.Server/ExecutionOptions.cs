using Wharf.Scheduling;

namespace Wharf.Server;

/// <summary>How the server runs jobs: agent leases, long polls, stops, logs and the scheduler.</summary>
public sealed class ExecutionOptions
{
    /// <summary>How long an agent may go without a heartbeat before its nodes are lost and its jobs end (or are requeued).</summary>
    public TimeSpan LeaseTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often agents are told to heartbeat; a third of <see cref="LeaseTimeout"/> when null.</summary>
    public TimeSpan? HeartbeatInterval { get; init; }

    /// <summary>The longest an agent's long poll for work is held open.</summary>
    public TimeSpan MaxPollWait { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long after sending a start or stop that the agent has not acknowledged it is sent again.</summary>
    public TimeSpan ResendInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long an agent waits between TERM and KILL when it stops a rank.</summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The size at which a rank's log file is rotated; one rotated file is kept beside the current one.</summary>
    public long MaxLogFileBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>How many waiting jobs of each queue one scheduling pass considers, from the front of the queue.</summary>
    public int JobsPerQueuePerPass { get; init; } = 5_000;

    /// <summary>The scheduler's queue policies and starvation protection.</summary>
    public SchedulerOptions Scheduler { get; init; } = new();

    /// <summary>The heartbeat interval in force.</summary>
    public TimeSpan EffectiveHeartbeatInterval => HeartbeatInterval ?? LeaseTimeout / 3;
}
