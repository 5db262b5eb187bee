namespace Wharf.Storage;

/// <summary>
/// The right to run the deployment's single scheduler, held until disposed or lost. On PostgreSQL it is a session
/// advisory lock on a connection of its own; on SQLite, where one server owns the file, it is always granted.
/// </summary>
public interface ILeadership : IAsyncDisposable
{
    /// <summary>Cancelled when the leadership is lost (its connection broke): stop leading at once.</summary>
    CancellationToken Lost { get; }
}
