namespace Wharf.Client;

/// <summary>
/// The server stopped a follow stream because the follower read too slowly to keep up (its <c>error</c> event).
/// Nothing is lost on the server: follow again to get the job and its lines from the first.
/// </summary>
public sealed class JobFollowLostException : Exception
{
    /// <summary>Creates the exception with the server's message.</summary>
    public JobFollowLostException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a default message.</summary>
    public JobFollowLostException()
        : this("the server stopped following the job")
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public JobFollowLostException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
