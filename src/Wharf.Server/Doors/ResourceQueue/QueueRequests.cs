using System.Text.Json;
using System.Text.Json.Nodes;
using Wharf.Domain.Jobs;
using Wharf.Domain.Validation;

namespace Wharf.Server.Doors.ResourceQueue;

/// <summary>Reads and checks the door's request bodies; a fault names the field it is about.</summary>
internal static class QueueRequests
{
    public const int MaxKeyLength = 200;

    /// <summary>A fault in a request: HTTP status, code, message and field.</summary>
    public sealed record Fault(int Status, string Code, string Message, string? Field = null)
    {
        public IResult ToResult() => QueueEnvelope.Fault(Status, Code, Message, Field);
    }

    /// <summary>A checked create request.</summary>
    public sealed record Create(string RequestId, string OwnerId, string Data, AdmissionDemand Demand, string? Callback);

    /// <summary>A checked update: exactly one of the two.</summary>
    public sealed record Update(long? Priority, string? Status);

    public static async Task<(JsonObject? Body, Fault? Fault)> ReadObjectAsync(HttpContext http, long limit, CancellationToken ct)
    {
        if (http.Request.ContentLength > limit)
        {
            return (null, new Fault(413, "payload_too_large", $"the body is larger than {limit} bytes"));
        }

        try
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer, ct);
            if (buffer.Length > limit)
            {
                return (null, new Fault(413, "payload_too_large", $"the body is larger than {limit} bytes"));
            }

            return JsonNode.Parse(buffer.ToArray()) is JsonObject body
                ? (body, null)
                : (null, new Fault(400, "malformed_json", "the body must be a JSON object"));
        }
        catch (JsonException e)
        {
            return (null, new Fault(400, "malformed_json", $"the body is not valid JSON: {e.Message}"));
        }
    }

    public static (Create? Request, Fault? Fault) ReadCreate(JsonObject body)
    {
        if (Text(body, "request_id") is not { Length: > 0 and <= MaxKeyLength } requestId)
        {
            return (null, new Fault(400, "required", $"request_id is required: a string of 1–{MaxKeyLength} characters", "request_id"));
        }

        var ownerId = "";
        if (body["owner_id"] is { } owner)
        {
            if (owner.GetValueKind() != JsonValueKind.String)
            {
                return (null, new Fault(400, "wrong_type", "owner_id is a string", "owner_id"));
            }

            ownerId = owner.GetValue<string>();
        }

        string? callback = null;
        if (body["callback"] is { } callbackNode)
        {
            callback = callbackNode.GetValueKind() == JsonValueKind.String ? callbackNode.GetValue<string>() : null;
            if (!CallbackValidator.IsCallbackUrl(callback))
            {
                return (null, new Fault(400, "invalid_callback", "callback is an absolute http or https URL", "callback"));
            }
        }

        if (body["data"] is not JsonObject data)
        {
            return (null, new Fault(400, "malformed_data", "data is required: an object with 'instances'", "data"));
        }

        if (data["instances"] is not JsonArray { Count: > 0 } instances)
        {
            return (null, new Fault(400, "malformed_data", "data.instances is required: a non-empty list of {VCPU, Memory, Disk}", "data.instances"));
        }

        var demands = new List<InstanceDemand>(instances.Count);
        for (var i = 0; i < instances.Count; i++)
        {
            var path = $"data.instances[{i}]";
            if (instances[i] is not JsonObject instance)
            {
                return (null, new Fault(400, "malformed_data", "an instance is an object {VCPU, Memory, Disk}", path));
            }

            var vcpu = Whole(instance, "VCPU");
            var memory = Whole(instance, "Memory");
            var disk = Whole(instance, "Disk");
            if (vcpu is null or > int.MaxValue || memory is null || disk is null or > long.MaxValue / 1024)
            {
                var missing = vcpu is null or > int.MaxValue ? "VCPU" : memory is null ? "Memory" : "Disk";
                return (null, new Fault(400, "malformed_data", $"{missing} is required: a whole number, 0 or more", $"{path}.{missing}"));
            }

            demands.Add(new InstanceDemand((int)vcpu, memory.Value, disk.Value));
        }

        string? aggregate = null;
        if (data["host_aggregate"] is { } aggregateNode)
        {
            if (aggregateNode.GetValueKind() != JsonValueKind.String)
            {
                return (null, new Fault(400, "malformed_data", "host_aggregate is a string", "data.host_aggregate"));
            }

            aggregate = aggregateNode.GetValue<string>();
        }

        return (new Create(requestId, ownerId, Canonical(data), new AdmissionDemand(demands, aggregate is { Length: > 0 } ? aggregate : null), callback), null);
    }

    public static (Update? Request, Fault? Fault) ReadUpdate(JsonObject body)
    {
        var priorityNode = body["priority"];
        var statusNode = body["status"];
        if ((priorityNode is null) == (statusNode is null))
        {
            return (null, new Fault(400, "invalid_update", "send exactly one of priority and status", priorityNode is null ? "priority" : "status"));
        }

        if (priorityNode is not null)
        {
            return priorityNode.GetValueKind() == JsonValueKind.Number && priorityNode.AsValue().TryGetValue<long>(out var priority)
                ? (new Update(priority, null), null)
                : (null, new Fault(400, "wrong_type", "priority is a whole number", "priority"));
        }

        var status = statusNode!.GetValueKind() == JsonValueKind.String ? statusNode.GetValue<string>() : null;
        return status is not null && QueueJobShape.Statuses.Contains(status)
            ? (new Update(null, status), null)
            : (null, new Fault(400, "unknown_status", "status is one of queued, running, done, error", "status"));
    }

    private static string? Text(JsonObject body, string name) =>
        body[name] is { } node && node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : null;

    private static long? Whole(JsonObject instance, string name) =>
        instance[name] is { } node && node.GetValueKind() == JsonValueKind.Number && node.AsValue().TryGetValue<long>(out var value) && value >= 0
            ? value
            : null;

    /// <summary>The data as resource-queue kept it: compact JSON with object keys sorted, as Go writes a map.</summary>
    private static string Canonical(JsonNode node) => Sort(node)?.ToJsonString() ?? "null";

    private static JsonNode? Sort(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sort(p.Value)))),
        JsonArray array => new JsonArray([.. array.Select(Sort)]),
        null => null,
        _ => node.DeepClone(),
    };
}
