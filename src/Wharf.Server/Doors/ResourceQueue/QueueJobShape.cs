using System.Globalization;
using System.Text.Json.Serialization;
using Wharf.Domain.Jobs;

namespace Wharf.Server.Doors.ResourceQueue;

/// <summary>A job as resource-queue shows it, with its field names (see the door's documentation for the mapping).</summary>
internal sealed record QueueJobShape(
    [property: JsonPropertyName("ID")] long Id,
    [property: JsonPropertyName("CreatedAt")] string CreatedAt,
    [property: JsonPropertyName("UpdatedAt")] string UpdatedAt,
    [property: JsonPropertyName("DeletedAt"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? DeletedAt,
    [property: JsonPropertyName("RequestID")] string RequestId,
    [property: JsonPropertyName("Type")] string Type,
    [property: JsonPropertyName("OwnerID")] string OwnerId,
    [property: JsonPropertyName("Data")] string Data,
    [property: JsonPropertyName("Callback")] string Callback,
    [property: JsonPropertyName("Priority")] long Priority,
    [property: JsonPropertyName("Status")] string Status)
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Done = "done";
    public const string Error = "error";

    /// <summary>Every status the door knows.</summary>
    public static readonly IReadOnlySet<string> Statuses = new HashSet<string>(StringComparer.Ordinal) { Queued, Running, Done, Error };

    /// <summary>The reason a job deleted through the door ends with; it marks the job deleted (<c>DeletedAt</c>).</summary>
    public const string DeletedReason = "Deleted through the resource-queue door; capacity released";

    /// <summary>Wharf's state as resource-queue's status.</summary>
    public static string StatusOf(JobState state) => state switch
    {
        JobState.Running or JobState.Canceling => Running,
        JobState.Success => Done,
        JobState.Failure or JobState.Expired => Error,
        _ => Queued,
    };

    public static bool IsDeleted(Job job) => job.Status.State.IsFinal() && job.Status.Reason == DeletedReason;

    public static QueueJobShape From(Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var annotations = job.Specification.Annotations ?? new Dictionary<string, string>();
        var updated = job.Updates.Count > 0 ? job.Updates[^1].Timestamp : job.CreatedAt;
        return new QueueJobShape(
            long.Parse(job.Id, NumberStyles.None, CultureInfo.InvariantCulture),
            Time(job.CreatedAt),
            Time(updated),
            IsDeleted(job) ? Time(updated) : null,
            annotations.GetValueOrDefault(Annotations.RequestId, ""),
            job.Status.Queue,
            annotations.GetValueOrDefault(Annotations.OwnerId, ""),
            annotations.GetValueOrDefault(Annotations.Data, "{}"),
            job.Specification.Callback ?? "",
            job.Status.Priority,
            StatusOf(job.Status.State));
    }

    private static string Time(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);

    /// <summary>The annotation keys the door keeps its fields under.</summary>
    public static class Annotations
    {
        public const string RequestId = "resource-queue.request_id";
        public const string OwnerId = "resource-queue.owner_id";
        public const string Data = "resource-queue.data";
    }
}
