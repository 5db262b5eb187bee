namespace Wharf.Storage;

/// <summary>A callback in the outbox and how its delivery stands.</summary>
/// <param name="DeliveryId">Unique per message; sent with it so that receivers can drop repeats.</param>
/// <param name="JobId">The job it tells of.</param>
/// <param name="Url">Where it goes.</param>
/// <param name="Event">What happened.</param>
/// <param name="Payload">The JSON body.</param>
/// <param name="CreatedAt">When the change that caused it was saved.</param>
/// <param name="Attempts">How many times it was sent.</param>
/// <param name="NextAttemptAt">When it is sent next, while undelivered.</param>
/// <param name="DeliveredAt">When a 2xx answered it; null until then.</param>
/// <param name="LastStatus">The HTTP status of the last attempt, if one answered.</param>
/// <param name="LastError">Why the last attempt failed, if it did.</param>
public sealed record CallbackRecord(
    string DeliveryId,
    string JobId,
    string Url,
    string Event,
    string Payload,
    DateTimeOffset CreatedAt,
    int Attempts,
    DateTimeOffset NextAttemptAt,
    DateTimeOffset? DeliveredAt,
    int? LastStatus,
    string? LastError);
