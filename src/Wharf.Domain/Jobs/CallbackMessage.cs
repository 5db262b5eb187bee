namespace Wharf.Domain.Jobs;

/// <summary>A callback to deliver: a POST of <paramref name="Payload"/> to <paramref name="Url"/>, at least once.</summary>
/// <param name="DeliveryId">Unique per message; receivers drop repeats by it.</param>
/// <param name="JobId">The job it tells of.</param>
/// <param name="Url">Where it goes.</param>
/// <param name="Event">What happened, e.g. <c>job.running</c>.</param>
/// <param name="Payload">The JSON body, exactly as it is signed and sent.</param>
public sealed record CallbackMessage(string DeliveryId, string JobId, string Url, string Event, string Payload);
