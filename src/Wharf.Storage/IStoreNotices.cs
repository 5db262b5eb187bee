namespace Wharf.Storage;

/// <summary>
/// Short notices between the servers that share one database, so that each keeps its in-memory view current when
/// another changes jobs or agents. On PostgreSQL these are <c>NOTIFY</c>/<c>LISTEN</c> on one channel; on SQLite,
/// where one server owns the file, nobody else listens and <see cref="IsShared"/> is false. Notices are not durable:
/// a listener that was disconnected must catch up from the store.
/// </summary>
public interface IStoreNotices
{
    /// <summary>The longest message <see cref="PublishAsync"/> takes, in characters.</summary>
    const int MaxMessageLength = 7000;

    /// <summary>True when other servers may use the database, so that notices are worth sending.</summary>
    bool IsShared { get; }

    /// <summary>Sends a message to every listening server (this one included); at most <see cref="MaxMessageLength"/> characters.</summary>
    Task PublishAsync(string message, CancellationToken cancellationToken);

    /// <summary>
    /// Listens until cancelled, yielding first an empty message once listening has begun (from then on nothing is
    /// missed: catch up from the store then), and then each message as it arrives. Throws when the connection breaks;
    /// messages sent meanwhile are lost, so the caller listens again and catches up at the next empty message.
    /// </summary>
    IAsyncEnumerable<string> ListenAsync(CancellationToken cancellationToken);
}
