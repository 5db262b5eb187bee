namespace Wharf.Agent.Drivers;

/// <summary>
/// A driver: the part of the agent that runs one rank of a job on one kind of runtime (local processes, containers,
/// a batch system) and reports how it ended. This is the small required contract; a driver may also implement the
/// optional capability interfaces (<see cref="ILogStreamingDriver"/>) and says what it can enforce in
/// <see cref="Capabilities"/>.
/// </summary>
/// <remarks>
/// Tasks outlive the driver object: <see cref="IAsyncDisposable.DisposeAsync"/> releases only what the driver itself
/// holds (listeners, threads) and leaves tasks running, so that a restarted agent can take them back with
/// <see cref="RecoverAsync"/> from the <see cref="TaskHandleState"/> it persisted.
/// </remarks>
public interface IDriver : IAsyncDisposable
{
    /// <summary>The driver's kind as nodes advertise it (<c>process</c>, <c>fake</c>, <c>docker</c> …).</summary>
    string Kind { get; }

    /// <summary>What this driver can enforce on this machine, as found when it was created.</summary>
    DriverCapabilities Capabilities { get; }

    /// <summary>
    /// Starts one rank. Returns once the task's command has been started (ports allocated, peers and files in place);
    /// throws <see cref="TaskStartException"/> when it could not be started, with a reason a person can read.
    /// </summary>
    Task<TaskHandle> StartAsync(TaskSpec spec, CancellationToken cancellationToken);

    /// <summary>
    /// Waits until the task has ended and returns how. Cancelling stops the waiting, not the task.
    /// May be called any number of times, before or after <see cref="StopAsync"/>.
    /// </summary>
    Task<ExitResult> WaitAsync(TaskHandle handle, CancellationToken cancellationToken);

    /// <summary>
    /// Stops the task and everything it started: a polite signal to all its processes, up to <paramref name="grace"/>
    /// for them to end, then a forced kill. Then releases what the driver holds for it (ports, forwarders, network
    /// namespaces). Also call it for a task that ended by itself, to release those; calling it twice is harmless.
    /// </summary>
    Task StopAsync(TaskHandle handle, TimeSpan grace, CancellationToken cancellationToken);

    /// <summary>
    /// Takes back a task that a previous driver (a previous run of the agent) started, from the state that was
    /// persisted. Returns a handle when the task still runs, or when it ended and its exit was recorded (then
    /// <see cref="WaitAsync"/> answers at once); returns null when the task is lost: gone without a trace, or its
    /// process id now belongs to another process.
    /// </summary>
    Task<TaskHandle?> RecoverAsync(TaskHandleState persisted, CancellationToken cancellationToken);
}
