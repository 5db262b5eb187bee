namespace Wharf.Agent.Drivers;

/// <summary>
/// An optional driver capability: a live stream of a task's output lines, for uploading and following logs.
/// Every driver also writes the output to <see cref="TaskLogFiles"/> in the task's log directory.
/// </summary>
public interface ILogStreamingDriver
{
    /// <summary>
    /// The task's output lines from the very first one, then each new line as it is written, ending once the task
    /// has ended and all its output has been read. Subscribing late loses nothing; each subscriber gets every line.
    /// </summary>
    IAsyncEnumerable<TaskLogLine> FollowLogsAsync(TaskHandle handle, CancellationToken cancellationToken);
}
