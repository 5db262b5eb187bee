using System.Text.Json.Serialization;

namespace Wharf.Server.Doors.ResourceQueue;

/// <summary>resource-queue's envelope: <c>{"data": …, "ok": true}</c>, or on error <c>{"error": …, "ok": false}</c> naming the fault.</summary>
internal sealed record QueueEnvelope(
    [property: JsonPropertyName("data"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] object? Data,
    [property: JsonPropertyName("error"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error,
    [property: JsonPropertyName("code"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Code,
    [property: JsonPropertyName("field"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Field,
    [property: JsonPropertyName("ok")] bool Ok)
{
    public static IResult Success(object data) => TypedResults.Json(new QueueEnvelope(data, null, null, null, true), statusCode: 200);

    public static IResult Fault(int status, string code, string message, string? field = null) =>
        TypedResults.Json(new QueueEnvelope(null, field is null ? message : $"{field}: {message}", code, field, false), statusCode: status);
}
