using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Wharf.Domain.Catalog;
using Wharf.Domain.Serialization;
using Wharf.Domain.Validation;
using Wharf.Server.Api;

namespace Wharf.Server.Catalog;

/// <summary>What a catalog document defines.</summary>
internal enum CatalogKind
{
    Application,
    Product,
}

/// <summary>One definition read from a document, and the line it starts at (0 for JSON).</summary>
internal sealed record CatalogEntry(ApplicationDefinition? Application, Product? Product, int Line);

/// <summary>What a catalog text held: its definitions, or every problem found (then <see cref="Entries"/> is empty).</summary>
internal sealed record CatalogReading(IReadOnlyList<CatalogEntry> Entries, IReadOnlyList<ValidationError> Errors, bool Malformed)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>
/// Reads applications and products from YAML (catalog files, API bodies sent as YAML) or JSON. A document is a product
/// when its <c>kind</c> says so, or, without <c>kind</c>, when it has <c>category</c> and <c>provider</c> and no
/// <c>command</c>; otherwise it is an application. Unknown fields are refused, so a misspelt key is not silently lost.
/// </summary>
internal static class CatalogDocuments
{
    private static readonly JsonSerializerOptions Options = CreateOptions();

    /// <summary>Reads every document of a YAML text; <paramref name="expected"/> (an API endpoint's kind) overrides detection.</summary>
    public static CatalogReading ReadYaml(string text, CatalogKind? expected)
    {
        IReadOnlyList<YamlJsonDocument> documents;
        try
        {
            documents = YamlJson.Read(text);
        }
        catch (CatalogFormatException e)
        {
            return new([], [new("$", "malformed_yaml", $"line {e.Line}: {e.Message}")], Malformed: true);
        }

        if (documents.Count == 0)
        {
            return new([], [new("$", "required", "the text holds no document")], Malformed: true);
        }

        var entries = new List<CatalogEntry>();
        var errors = new List<ValidationError>();
        foreach (var document in documents)
        {
            var (entry, problems, malformed) = ReadDocument(document.Root, expected, document.LineOf);
            if (entry is not null)
            {
                entries.Add(entry with { Line = document.Line });
            }

            errors.AddRange(problems);
            if (malformed && documents.Count == 1)
            {
                return new([], errors, Malformed: true);
            }
        }

        return errors.Count > 0 ? new([], errors, Malformed: false) : new(entries, [], Malformed: false);
    }

    /// <summary>Reads one JSON document of the <paramref name="expected"/> kind.</summary>
    public static CatalogReading ReadJson(ReadOnlySpan<byte> json, CatalogKind expected)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            return new([], [JsonErrors.Describe(e)], Malformed: true);
        }

        var (entry, errors, malformed) = ReadDocument(root, expected, lineOf: null);
        return entry is null ? new([], errors, malformed) : new([entry], [], Malformed: false);
    }

    private static (CatalogEntry? Entry, IReadOnlyList<ValidationError> Errors, bool Malformed) ReadDocument(
        JsonNode? root, CatalogKind? expected, Func<string, int?>? lineOf)
    {
        if (root is not JsonObject obj)
        {
            return (null, [WithLine(new("$", "malformed_document", "a definition is a mapping of fields"), lineOf)], true);
        }

        var kind = KindOf(obj, expected, out var kindError);
        if (kindError is not null)
        {
            return (null, [WithLine(kindError, lineOf)], false);
        }

        obj.Remove("kind");
        try
        {
            if (kind == CatalogKind.Product)
            {
                var product = obj.Deserialize<Product>(Options)!;
                var errors = ProductRules.Check(product);
                return errors.Count > 0 ? (null, WithLines(errors, lineOf), false) : (new CatalogEntry(null, product, 0), [], false);
            }

            var application = ApplicationRules.Normalize(obj.Deserialize<ApplicationDefinition>(Options)!);
            var problems = ApplicationRules.Check(application);
            return problems.Count > 0 ? (null, WithLines(problems, lineOf), false) : (new CatalogEntry(application, null, 0), [], false);
        }
        catch (JsonException e)
        {
            // Deserialized from nodes, so the exception's own line means nothing; the field's YAML line does.
            var error = JsonErrors.Describe(e, useExceptionLine: false);
            return (null, [WithLine(error, lineOf)], error.Code == "malformed_json");
        }
    }

    private static CatalogKind KindOf(JsonObject obj, CatalogKind? expected, out ValidationError? error)
    {
        error = null;
        CatalogKind? declared = obj["kind"] switch
        {
            null => null,
            JsonValue v when v.TryGetValue<string>(out var s) && s == "application" => CatalogKind.Application,
            JsonValue v when v.TryGetValue<string>(out var s) && s == "product" => CatalogKind.Product,
            _ => Invalid(out error),
        };
        if (error is not null)
        {
            return default;
        }

        if (expected is { } wanted && declared is { } said && said != wanted)
        {
            error = new("kind", "wrong_kind", $"this endpoint takes a {Name(wanted)}, the document is a {Name(said)}");
            return default;
        }

        return declared ?? expected
            ?? (obj.ContainsKey("category") && obj.ContainsKey("provider") && !obj.ContainsKey("command") ? CatalogKind.Product : CatalogKind.Application);
    }

    private static CatalogKind? Invalid(out ValidationError? error)
    {
        error = new("kind", "invalid_kind", "kind is 'application' or 'product'");
        return null;
    }

    private static string Name(CatalogKind kind) => kind == CatalogKind.Product ? "product" : "application";

    private static IReadOnlyList<ValidationError> WithLines(IReadOnlyList<ValidationError> errors, Func<string, int?>? lineOf) =>
        lineOf is null ? errors : errors.Select(e => WithLine(e, lineOf)).ToList();

    private static ValidationError WithLine(ValidationError error, Func<string, int?>? lineOf) =>
        lineOf?.Invoke(error.Field == "$" ? "" : error.Field) is { } line && !error.Message.StartsWith("line ", StringComparison.Ordinal)
            ? error with { Message = $"line {line}: {error.Message}" }
            : error;

    private static JsonSerializerOptions CreateOptions()
    {
        var options = WharfJson.Create();
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.Converters.Add(new LenientStringConverter());
        options.TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver();
        options.MakeReadOnly();
        return options;
    }
}
