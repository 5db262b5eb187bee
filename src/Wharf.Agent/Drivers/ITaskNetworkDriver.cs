namespace Wharf.Agent.Drivers;

/// <summary>
/// An optional driver capability: starting a program next to a task, inside the task's network, so that it reaches
/// the task's ports at <c>127.0.0.1</c> and its peers as the task itself does. Meant for lifecycle hooks and health
/// commands, which would otherwise run on the node's host network, where an isolated task's ports are only reachable
/// through the driver's forwarders.
/// </summary>
public interface ITaskNetworkDriver
{
    /// <summary>
    /// Starts <paramref name="process"/>, configured but not yet started, inside the network of the task behind
    /// <paramref name="handle"/>; on the host network when the task has no network of its own (the driver does not
    /// isolate, the task asked not to be, or its network was already released by <see cref="IDriver.StopAsync"/>).
    /// The driver may put a program in front of the command in <see cref="System.Diagnostics.Process.StartInfo"/> that
    /// enters the network and then becomes the command, keeping its process id. Throws what
    /// <see cref="System.Diagnostics.Process.Start()"/> throws when the program cannot be started.
    /// </summary>
    Task StartInTaskNetworkAsync(TaskHandle handle, System.Diagnostics.Process process, CancellationToken cancellationToken);
}
