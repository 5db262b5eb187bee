using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Wharf.Server.Catalog;

/// <summary>One YAML document as JSON, with the line at which each field starts (<c>parameters[0].name</c> → 12).</summary>
internal sealed record YamlJsonDocument(JsonNode? Root, IReadOnlyDictionary<string, int> Lines, int Line)
{
    /// <summary>The line of a field, or of its nearest enclosing field.</summary>
    public int? LineOf(string field)
    {
        var path = field;
        while (true)
        {
            if (Lines.TryGetValue(path, out var line))
            {
                return line;
            }

            var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
            if (cut <= 0)
            {
                return Lines.TryGetValue("", out var root) ? root : null;
            }

            path = path[..cut];
        }
    }
}

/// <summary>
/// Reads YAML into JSON nodes so that catalog files and API bodies go through the same deserialization and
/// validation. Plain scalars follow the YAML 1.2 core schema (null, true/false, JSON-style numbers); anything
/// quoted is text. Numbers keep their text, so <c>version: 1.10</c> stays "1.10".
/// </summary>
internal static partial class YamlJson
{
    // Aliases are expanded while converting; these bounds stop "billion laughs" documents and runaway nesting.
    private const int MaxNodes = 100_000;
    private const int MaxDepth = 64;

    public static IReadOnlyList<YamlJsonDocument> Read(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new CatalogFormatException((int)e.Start.Line, Clean(e));
        }

        var documents = new List<YamlJsonDocument>();
        var count = 0;
        foreach (var document in stream.Documents)
        {
            if (document.RootNode is YamlScalarNode { Value: null or "" })
            {
                continue;
            }

            var lines = new Dictionary<string, int>(StringComparer.Ordinal);
            var root = Convert(document.RootNode, "", 0, ref count, lines);
            documents.Add(new YamlJsonDocument(root, lines, (int)document.RootNode.Start.Line));
        }

        return documents;
    }

    private static JsonNode? Convert(YamlNode node, string path, int depth, ref int count, Dictionary<string, int> lines)
    {
        var line = (int)node.Start.Line;
        if (++count > MaxNodes)
        {
            throw new CatalogFormatException(line, $"the document has more than {MaxNodes} values (after expanding aliases)");
        }

        if (depth > MaxDepth)
        {
            throw new CatalogFormatException(line, $"the document is nested deeper than {MaxDepth} levels");
        }

        lines.TryAdd(path, line);
        switch (node)
        {
            case YamlMappingNode mapping:
                var obj = new JsonObject();
                foreach (var (keyNode, valueNode) in mapping.Children)
                {
                    if (keyNode is not YamlScalarNode { Value: { } key })
                    {
                        throw new CatalogFormatException((int)keyNode.Start.Line, "a key must be plain text");
                    }

                    if (obj.ContainsKey(key))
                    {
                        throw new CatalogFormatException((int)keyNode.Start.Line, $"the key '{key}' appears twice");
                    }

                    obj[key] = Convert(valueNode, path.Length == 0 ? key : $"{path}.{key}", depth + 1, ref count, lines);
                }

                return obj;
            case YamlSequenceNode sequence:
                var array = new JsonArray();
                var index = 0;
                foreach (var item in sequence.Children)
                {
                    array.Add(Convert(item, $"{path}[{index++}]", depth + 1, ref count, lines));
                }

                return array;
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                throw new CatalogFormatException(line, "unsupported YAML node");
        }
    }

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        var explicitText = !scalar.Tag.IsEmpty && scalar.Tag.Value.EndsWith(":str", StringComparison.Ordinal);
        if (scalar.Style != ScalarStyle.Plain || explicitText)
        {
            return JsonValue.Create(text);
        }

        return text switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => JsonValue.Create(true),
            "false" or "False" or "FALSE" => JsonValue.Create(false),
            _ when JsonNumber().IsMatch(text) => JsonNode.Parse(text),
            _ => JsonValue.Create(text),
        };
    }

    /// <summary>YamlDotNet's message without its "(Line: 3, Col: 1, Idx: 20) - (…): " prefix; the line is reported apart.</summary>
    private static string Clean(YamlException e)
    {
        var message = e.InnerException is YamlException inner ? inner.Message : e.Message;
        return MarkPrefix().Replace(message, "");
    }

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$")]
    private static partial Regex JsonNumber();

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex MarkPrefix();
}
