using System.Formats.Tar;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Wharf.Domain.Catalog;
using Wharf.Domain.Validation;
using Wharf.Templates;

namespace Wharf.Server.Catalog;

/// <summary>
/// Reads a BOSH release job folder (<c>spec</c>, <c>templates/*</c>, <c>monit</c>) as an application: the spec's
/// <c>templates</c> become rendered files (their ERB translated by <see cref="ErbTemplate"/>), its <c>properties</c>
/// typed properties, its <c>packages</c> are recorded, and the <c>bin/run</c> template is the command. See
/// <c>docs/lifecycle.md</c>.
/// </summary>
internal static class BoshJobImport
{
    private const long MaxFileBytes = 4 * 1024 * 1024;

    /// <summary>The files of a job folder on disk, by path relative to it.</summary>
    public static Dictionary<string, string> ReadFolder(string folder)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            if (new FileInfo(path).Length <= MaxFileBytes)
            {
                files[Path.GetRelativePath(folder, path).Replace('\\', '/')] = File.ReadAllText(path);
            }
        }

        return files;
    }

    /// <summary>The files of a tar of a job folder; a single top folder (<c>my-job/spec</c>) is taken off.</summary>
    public static Dictionary<string, string> ReadTar(Stream tar)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        using var reader = new TarReader(tar);
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile && entry.DataStream is { } data && entry.Length <= MaxFileBytes)
            {
                using var text = new StreamReader(data, Encoding.UTF8);
                files[entry.Name.TrimStart('.', '/')] = text.ReadToEnd();
            }
        }

        var tops = files.Keys.Select(k => k.Split('/')[0]).Distinct(StringComparer.Ordinal).ToList();
        if (!files.ContainsKey("spec") && tops.Count == 1 && files.ContainsKey($"{tops[0]}/spec"))
        {
            return files.ToDictionary(f => f.Key[(tops[0].Length + 1)..], f => f.Value, StringComparer.Ordinal);
        }

        return files;
    }

    /// <summary>The application a job folder defines, or every problem found (each naming its file, and line for ERB).</summary>
    public static (ApplicationDefinition? Application, IReadOnlyList<ValidationError> Errors) Read(IReadOnlyDictionary<string, string> files, string version)
    {
        var errors = new List<ValidationError>();
        if (!files.TryGetValue("spec", out var specText))
        {
            return (null, [new("spec", "required", "a BOSH job folder holds a 'spec' file")]);
        }

        JsonObject spec;
        try
        {
            var documents = YamlJson.Read(specText);
            if (documents.Count != 1 || documents[0].Root is not JsonObject root)
            {
                return (null, [new("spec", "malformed_document", "spec is one YAML mapping")]);
            }

            spec = root;
        }
        catch (CatalogFormatException e)
        {
            return (null, [new("spec", "malformed_yaml", $"line {e.Line}: {e.Message}")]);
        }

        foreach (var link in new[] { "consumes", "provides" })
        {
            if (spec[link] is JsonArray { Count: > 0 })
            {
                errors.Add(new($"spec.{link}", "unsupported", "links are not supported; pass peers as job parameters instead"));
            }
        }

        var templates = new List<ApplicationTemplate>();
        foreach (var (source, destination) in spec["templates"] as JsonObject ?? [])
        {
            var file = $"templates/{source}";
            var target = destination?.GetValueKind() == JsonValueKind.String ? destination.GetValue<string>() : null;
            if (target is null || !files.TryGetValue(file, out var erb))
            {
                errors.Add(new($"spec.templates.{source}", target is null ? "invalid_value" : "not_found",
                    target is null ? "a template maps to a destination path" : $"there is no file {file}"));
                continue;
            }

            try
            {
                templates.Add(new ApplicationTemplate(target, ErbTemplate.Translate(file, erb)));
            }
            catch (TemplateException e)
            {
                errors.Add(new(file, "unsupported_erb", e.Message));
            }
        }

        if (templates.All(t => t.Path != "bin/run") && errors.Count == 0)
        {
            errors.Add(new("spec.templates", "required", "the job has no template rendered to bin/run, which Wharf runs as its command"));
        }

        var properties = new List<ApplicationProperty>();
        foreach (var (name, node) in spec["properties"] as JsonObject ?? [])
        {
            var declared = node as JsonObject;
            var fallback = Element(declared?["default"]);
            properties.Add(new ApplicationProperty
            {
                Name = name,
                Description = declared?["description"]?.ToString(),
                Type = declared?["type"]?.ToString() ?? TypeOf(fallback),
                Default = fallback,
                // BOSH reads a property that may be left out through if_p: such a one is optional; any other
                // without a default is required.
                Optional = fallback is null && templates.Any(t => t.Content.Contains($"{{{{#if_p \"{name}\"", StringComparison.Ordinal)),
                Example = Element(declared?["example"]),
            });
        }

        var application = new ApplicationDefinition
        {
            Name = spec["name"]?.ToString() ?? "",
            Version = version,
            Description = spec["description"]?.ToString(),
            Command = ["./bin/run"],
            Properties = properties,
            Templates = templates,
            Packages = (spec["packages"] as JsonArray ?? []).Select(p => p?.ToString() ?? "").ToList(),
            MaxReplicas = 1000,
        };
        errors.AddRange(ApplicationRules.Check(application).Select(e => e with { Field = $"spec.{e.Field}" }));
        return errors.Count > 0 ? (null, errors) : (application, []);
    }

    private static JsonElement? Element(JsonNode? node) =>
        node is null ? null : JsonSerializer.SerializeToElement(node);

    private static string TypeOf(JsonElement? value) => value?.ValueKind switch
    {
        JsonValueKind.String => "string",
        JsonValueKind.Number => value.Value.TryGetInt64(out _) ? "integer" : "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Array => "array",
        JsonValueKind.Object => "object",
        _ => "any",
    };
}
