using System.Text.Json;
using System.Text.Json.Serialization;
using Wharf.Domain.Jobs;

namespace Wharf.Domain.Serialization;

/// <summary>
/// The JSON shape of Wharf's own documents: camelCase names, UCloud's state names (<c>IN_QUEUE</c>), other enums as
/// camelCase names, times as
/// epoch milliseconds (as UCloud sends them), nulls left out. The native API and the store both use it.
/// </summary>
public static class WharfJson
{
    /// <summary>The options; shared and read-only.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>A new, writable copy of the options, for hosts that must configure their own instance.</summary>
    public static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            PropertyNameCaseInsensitive = true,
            MaxDepth = 64,
        };
        Configure(options);
        return options;
    }

    /// <summary>Adds Wharf's converters and naming to existing options (such as ASP.NET Core's).</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.PropertyNameCaseInsensitive = true;
        options.Converters.Add(new JobStateJsonConverter());
        options.Converters.Add(new EpochMillisecondsJsonConverter());

        // Other enums travel as camelCase names (readable, and stable if members are reordered); numbers are still read.
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
    }

    /// <summary>Truncates a time to whole milliseconds, the precision Wharf stores and sends.</summary>
    public static DateTimeOffset ToMilliseconds(DateTimeOffset time) =>
        DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());
}

/// <summary>Writes <see cref="JobState"/> as UCloud's names and reads them back.</summary>
public sealed class JobStateJsonConverter : JsonConverter<JobState>
{
    /// <inheritdoc />
    public override JobState Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        return JobStateFacts.TryParseWire(text, out var state)
            ? state
            : throw new JsonException($"'{text}' is not a job state (IN_QUEUE, RUNNING, CANCELING, SUCCESS, FAILURE, EXPIRED, SUSPENDED)");
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, JobState value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.ToWire());
    }
}

/// <summary>Writes times as epoch milliseconds; reads milliseconds or ISO 8601 text.</summary>
public sealed class EpochMillisecondsJsonConverter : JsonConverter<DateTimeOffset>
{
    /// <inheritdoc />
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var ms))
        {
            return DateTimeOffset.FromUnixTimeMilliseconds(ms);
        }

        if (reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out var parsed))
        {
            return parsed;
        }

        throw new JsonException("expected a time as epoch milliseconds or ISO 8601 text");
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteNumberValue(value.ToUnixTimeMilliseconds());
    }
}
