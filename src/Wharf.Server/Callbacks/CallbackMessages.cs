using System.Text.Json;
using System.Text.Json.Serialization;
using Wharf.Domain.Jobs;
using Wharf.Domain.Serialization;

namespace Wharf.Server.Callbacks;

/// <summary>
/// Which changes send a callback, and what it says. A job with a callback URL gets one at every state change; the
/// message goes into the change itself (<see cref="JobChange.Callbacks"/>), so the store writes it to the outbox in
/// the same transaction as the change. The delivery id is the job id and its new version: unique, and the same
/// however often the message is sent.
/// </summary>
internal static class CallbackMessages
{
    public const string SignatureHeader = "X-Wharf-Signature";
    public const string DeliveryHeader = "X-Wharf-Delivery";
    public const string EventHeader = "X-Wharf-Event";

    /// <summary>The change with its callback attached, or the change as it was when it sends none.</summary>
    public static JobChange Attach(JobChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var job = change.After;
        if (job.Specification.Callback is not { Length: > 0 } url || change.Update.State is not { } state || change.Callbacks.Count > 0)
        {
            return change;
        }

        var deliveryId = $"job-{job.Id}-v{job.Version}";
        var name = "job." + state.ToWire().ToLowerInvariant();
        var placement = job.Specification.Admission is not null && state == JobState.Running
            ? job.Status.Ranks?.Select(r => new InstancePlacement(r.Rank, r.NodeId)).ToList()
            : null;
        var body = new CallbackBody(deliveryId, name, job with { Updates = [] }, placement);
        var payload = JsonSerializer.Serialize(body, WharfJson.Options);
        return change with { Callbacks = [new CallbackMessage(deliveryId, job.Id, url, name, payload)] };
    }

    /// <summary>The JSON body of a callback.</summary>
    /// <param name="DeliveryId">As in the delivery header.</param>
    /// <param name="Event">As in the event header: <c>job.running</c>, <c>job.success</c>, …</param>
    /// <param name="Job">The job after the change (without its history).</param>
    /// <param name="Placement">For an admitted admission-only job: where each instance holds capacity.</param>
    internal sealed record CallbackBody(
        string DeliveryId,
        string Event,
        Job Job,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<InstancePlacement>? Placement);

    /// <summary>Where one instance holds capacity.</summary>
    internal sealed record InstancePlacement(int Instance, string NodeId);
}
