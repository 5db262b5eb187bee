using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Wharf.Server.Groups.Manifests;

/// <summary>Reads typed values out of manifest nodes, recording a fault that names the field when a value has the wrong shape.</summary>
internal static class ManifestFields
{
    public static string Path(string parent, string key) => parent.Length == 0 ? key : $"{parent}.{key}";

    public static bool IsScalar(JsonNode? node) => node is JsonValue;

    /// <summary>A scalar as text (numbers as written, booleans as <c>true</c>/<c>false</c>); null for null and for non-scalars.</summary>
    public static string? Text(JsonNode? node) => node switch
    {
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Number => value.ToJsonString(),
            _ => null,
        },
        _ => null,
    };

    /// <summary>A text value; a missing value gives null, anything but a scalar is a fault.</summary>
    public static string? String(JsonNode? node, string path, ManifestFaults faults)
    {
        if (node is null)
        {
            return null;
        }

        if (node is not JsonValue)
        {
            faults.Fault(path, "invalid", $"{path} must be text");
            return null;
        }

        return Text(node);
    }

    /// <summary>An integer in [<paramref name="min"/>, <paramref name="max"/>], written as a number or as digits in text.</summary>
    public static int? Integer(JsonNode? node, string path, ManifestFaults faults, int min, int max)
    {
        if (node is null)
        {
            return null;
        }

        var text = Text(node)?.Trim();
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            faults.Fault(path, "invalid", $"{path} must be a whole number from {min} to {max}, not '{text ?? node.ToJsonString()}'");
            return null;
        }

        return value;
    }

    /// <summary>A boolean, written as <c>true</c>/<c>false</c> or as that text.</summary>
    public static bool? Boolean(JsonNode? node, string path, ManifestFaults faults)
    {
        if (node is null)
        {
            return null;
        }

        switch (Text(node)?.ToLowerInvariant())
        {
            case "true":
                return true;
            case "false":
                return false;
            default:
                faults.Fault(path, "invalid", $"{path} must be true or false");
                return null;
        }
    }

    /// <summary>A mapping; a missing value gives null, anything else is a fault.</summary>
    public static JsonObject? Object(JsonNode? node, string path, ManifestFaults faults)
    {
        if (node is null or JsonObject)
        {
            return node as JsonObject;
        }

        faults.Fault(path, "invalid", $"{path} must be a mapping of keys to values");
        return null;
    }

    /// <summary>A list; a missing value gives null, anything else is a fault.</summary>
    public static JsonArray? Array(JsonNode? node, string path, ManifestFaults faults)
    {
        if (node is null or JsonArray)
        {
            return node as JsonArray;
        }

        faults.Fault(path, "invalid", $"{path} must be a list");
        return null;
    }

    /// <summary>A list of text values (a command): each item a scalar.</summary>
    public static List<string>? Strings(JsonArray array, string path, ManifestFaults faults)
    {
        var items = new List<string>();
        var ok = true;
        for (var i = 0; i < array.Count; i++)
        {
            if (Text(array[i]) is { } text)
            {
                items.Add(text);
            }
            else
            {
                faults.Fault($"{path}[{i}]", "invalid", $"{path}[{i}] must be text");
                ok = false;
            }
        }

        return ok ? items : null;
    }
}
