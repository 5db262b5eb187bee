using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Serialization;

namespace Wharf.Server.Groups.Manifests;

/// <summary>
/// Writes a manifest node back as YAML text, as an orchestrator's agent expects it. Text that would read back as
/// something else (<c>"1.10"</c>, <c>"true"</c>, <c>"null"</c>) is quoted, so the text round-trips.
/// </summary>
internal static class ManifestYaml
{
    private static readonly ISerializer Serializer = new SerializerBuilder()
        .WithQuotingNecessaryStrings()
        .DisableAliases()
        .Build();

    public static string Write(JsonNode? node) => Serializer.Serialize(Plain(node));

    private static object? Plain(JsonNode? node) => node switch
    {
        null => null,
        JsonObject obj => obj.ToDictionary(p => p.Key, p => Plain(p.Value)),
        JsonArray array => array.Select(Plain).ToList(),
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => Number(value.ToJsonString()),
            _ => null,
        },
        _ => null,
    };

    private static object Number(string text) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole) ? whole
        : decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var fraction) ? fraction
        : double.Parse(text, CultureInfo.InvariantCulture);
}
