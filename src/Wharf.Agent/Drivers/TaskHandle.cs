namespace Wharf.Agent.Drivers;

/// <summary>
/// A started (or recovered) task, as its driver returns it. Pass it back to the same driver to wait for, stop or
/// follow the task; persist <see cref="State"/> to take the task back after the agent restarts.
/// </summary>
public sealed class TaskHandle
{
    /// <summary>A handle over the given state, with optional warnings from starting or recovering the task.</summary>
    public TaskHandle(TaskHandleState state, IReadOnlyList<string>? warnings = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        State = state;
        Warnings = warnings ?? [];
    }

    /// <summary>What a restarted agent needs to take the task back.</summary>
    public TaskHandleState State { get; }

    /// <summary>The driver's id for the task.</summary>
    public string TaskId => State.TaskId;

    /// <summary>The job the task is a rank of.</summary>
    public string JobId => State.Spec.JobId;

    /// <summary>The rank.</summary>
    public int Rank => State.Spec.Rank;

    /// <summary>The ports allocated to the task, by name, reachable at <see cref="TaskHandleState.PortAddress"/>.</summary>
    public IReadOnlyDictionary<string, int> Ports => State.Ports;

    /// <summary>Things that did not go as asked but did not stop the task (a port that could not be forwarded again after a restart).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <inheritdoc />
    public override string ToString() => $"{State.DriverKind} task {TaskId}";
}
