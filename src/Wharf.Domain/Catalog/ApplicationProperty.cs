using System.Text.Json;

namespace Wharf.Domain.Catalog;

/// <summary>
/// A typed setting of an application, as a BOSH job spec declares one: a job sets it in <c>properties</c>, templates
/// read it. A property without a default is required unless it is <see cref="Optional"/>.
/// </summary>
public sealed record ApplicationProperty
{
    /// <summary>The type names a property may have.</summary>
    public static readonly IReadOnlySet<string> Types = new HashSet<string>(StringComparer.Ordinal)
    {
        "string", "integer", "number", "boolean", "array", "object", "any",
    };

    /// <summary>The name (<c>access_key</c>, <c>server.port</c>).</summary>
    public string Name { get; init; } = "";

    /// <summary>What the property means.</summary>
    public string? Description { get; init; }

    /// <summary>One of <see cref="Types"/>; <c>any</c> when not given.</summary>
    public string? Type { get; init; }

    /// <summary>The value used when a job sets none; without one the property is required.</summary>
    public JsonElement? Default { get; init; }

    /// <summary>When true, a job may leave the property unset even without a default (templates test it with <c>if_p</c>).</summary>
    public bool Optional { get; init; }

    /// <summary>An example value, for people.</summary>
    public JsonElement? Example { get; init; }

    /// <summary>Whether <paramref name="value"/> has the declared type.</summary>
    public bool Accepts(JsonElement value) => (Type ?? "any") switch
    {
        "string" => value.ValueKind == JsonValueKind.String,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        "number" => value.ValueKind == JsonValueKind.Number,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "array" => value.ValueKind == JsonValueKind.Array,
        "object" => value.ValueKind == JsonValueKind.Object,
        _ => value.ValueKind is not (JsonValueKind.Undefined),
    };
}
