namespace Wharf.Storage;

/// <summary>
/// The callback outbox. Messages are written by <see cref="IJobStore"/> saves, in the same transaction as the change
/// that causes them (<c>JobChange.Callbacks</c>); a dispatcher reads the due ones and records each attempt.
/// </summary>
public interface ICallbackOutbox
{
    /// <summary>Undelivered messages whose next attempt is due at <paramref name="now"/>, oldest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<CallbackRecord>> ListDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

    /// <summary>When the earliest undelivered message is next due, or null when every message is delivered.</summary>
    Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken);

    /// <summary>Every message about one job, oldest first.</summary>
    Task<IReadOnlyList<CallbackRecord>> ListForJobAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>
    /// Records an attempt: delivered (<paramref name="deliveredAt"/> set), or failed and due again at
    /// <paramref name="nextAttemptAt"/>. The attempt count advances.
    /// </summary>
    Task RecordAttemptAsync(
        string deliveryId, DateTimeOffset? deliveredAt, DateTimeOffset nextAttemptAt, int? status, string? error, CancellationToken cancellationToken);
}
