namespace Wharf.Agent.Drivers;

/// <summary>Which output of a task a line came from.</summary>
public enum TaskLogStream
{
    /// <summary>Standard output.</summary>
    Stdout,

    /// <summary>Standard error.</summary>
    Stderr,
}
