namespace Wharf.Agent.Drivers;

/// <summary>A driver could not start a task; the message says why, for people ("command not found: acme-db").</summary>
public sealed class TaskStartException : Exception
{
    /// <summary>A start failure with no details.</summary>
    public TaskStartException() : base("the task could not be started")
    {
    }

    /// <summary>A start failure with its reason.</summary>
    public TaskStartException(string message) : base(message)
    {
    }

    /// <summary>A start failure with its reason and the error that caused it.</summary>
    public TaskStartException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
