namespace Wharf.Agent.Drivers;

/// <summary>
/// What a restarted agent needs to take a task back (<see cref="IDriver.RecoverAsync"/>): a plain record meant to be
/// persisted as JSON next to the placement. The process id comes with the process's start time (and the boot it
/// belongs to) so that a process id the system has since given to another process is never mistaken for the task.
/// </summary>
public sealed record TaskHandleState
{
    /// <summary>The driver's id for the task, unique on the node.</summary>
    public required string TaskId { get; init; }

    /// <summary>The <see cref="IDriver.Kind"/> of the driver that started it.</summary>
    public required string DriverKind { get; init; }

    /// <summary>The rank as it was started.</summary>
    public required TaskSpec Spec { get; init; }

    /// <summary>When the task was started.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>The process id of the task's first process (the leader of its process group), when there is one.</summary>
    public int? ProcessId { get; init; }

    /// <summary>The leader's start time as the kernel counts it (clock ticks since boot, <c>/proc/&lt;pid&gt;/stat</c> field 22).</summary>
    public long? ProcessStartTime { get; init; }

    /// <summary>The id of the boot during which the task started; a process id from another boot is never the task.</summary>
    public string? BootId { get; init; }

    /// <summary>The network namespace the task runs in, when it is isolated.</summary>
    public string? NetworkNamespace { get; init; }

    /// <summary>The ports allocated to the task, by the names in <see cref="TaskSpec.Ports"/>.</summary>
    public IReadOnlyDictionary<string, int> Ports { get; init; } = new Dictionary<string, int>();

    /// <summary>The address at which <see cref="Ports"/> are reachable on the node.</summary>
    public string PortAddress { get; init; } = "127.0.0.1";

    /// <summary>Anything else one kind of driver needs to take the task back.</summary>
    public IReadOnlyDictionary<string, string> DriverState { get; init; } = new Dictionary<string, string>();
}
