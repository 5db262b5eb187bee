using System.Text.Json.Nodes;
using Wharf.Server.Catalog;

namespace Wharf.Server.Groups.Manifests;

/// <summary>
/// Reads a manifest's text (YAML, or JSON, which is YAML too) into JSON nodes with the line of every field, through
/// the same reader as the catalog. YAML merge keys (<c>&lt;&lt;: *base</c>, common in compose files) are applied here
/// because the YAML model keeps them as ordinary keys.
/// </summary>
internal static class ManifestText
{
    /// <summary>The one document of <paramref name="text"/>; a syntax error or an empty text throws at once.</summary>
    public static YamlJsonDocument Read(string? text)
    {
        IReadOnlyList<YamlJsonDocument> documents;
        try
        {
            documents = YamlJson.Read(text ?? "");
        }
        catch (CatalogFormatException e)
        {
            throw new ManifestException(new ManifestProblem("", "syntax", $"line {e.Line}: {e.Message}", e.Line));
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this, without a mark, on some unterminated flow collections ("[run" at the end).
            throw new ManifestException(new ManifestProblem("", "syntax", "the YAML is malformed: a bracket or quote is not closed"));
        }

        if (documents.Count == 0 || documents[0].Root is null)
        {
            throw new ManifestException(new ManifestProblem("", "required", "the manifest is empty"));
        }

        if (documents.Count > 1)
        {
            throw new ManifestException(new ManifestProblem(
                "", "syntax", $"line {documents[1].Line}: the manifest must be one YAML document, not several", documents[1].Line));
        }

        if (documents[0].Root is not JsonObject)
        {
            throw new ManifestException(new ManifestProblem(
                "", "invalid", $"line {documents[0].Line}: the manifest must be a mapping of keys to values", documents[0].Line));
        }

        ApplyMergeKeys(documents[0].Root);
        return documents[0];
    }

    /// <summary>Replaces each <c>&lt;&lt;</c> key by the entries of the mapping(s) it names that the mapping does not set itself.</summary>
    private static void ApplyMergeKeys(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj.TryGetPropertyValue("<<", out var merged))
                {
                    obj.Remove("<<");
                    var sources = merged is JsonArray list ? list.OfType<JsonObject>().ToList() : merged is JsonObject one ? [one] : [];
                    foreach (var source in sources)
                    {
                        foreach (var (key, value) in source)
                        {
                            if (!obj.ContainsKey(key))
                            {
                                obj[key] = value?.DeepClone();
                            }
                        }
                    }
                }

                foreach (var (_, value) in obj.ToList())
                {
                    ApplyMergeKeys(value);
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    ApplyMergeKeys(item);
                }

                break;
        }
    }
}
