using System.Globalization;
using System.Text.Json;
using HandlebarsDotNet;
using Wharf.Domain.Catalog;

namespace Wharf.Templates;

/// <summary>
/// Renders an application's templates with Handlebars for one rank (the data and helpers are listed in
/// <c>docs/lifecycle.md</c>): <c>{{job.id}}</c>, <c>{{job.rank}}</c>, <c>{{ports.db}}</c>,
/// <c>{{peers.database.address}}</c>, <c>{{p "name"}}</c>, <c>{{p "name" default}}</c>,
/// <c>{{#if_p "name"}}…{{/if_p}}</c>. Output is not HTML-escaped: these are config files and scripts.
/// </summary>
public static class TemplateRenderer
{
    /// <summary>Whether a template path stays inside the working folder: relative, no empty or <c>..</c> segments.</summary>
    public static bool IsSafePath(string? path) =>
        !string.IsNullOrEmpty(path) && path.Length <= 1024 && !path.StartsWith('/') && !path.Contains('\\', StringComparison.Ordinal)
        && path.Split('/').All(s => s.Length > 0 && s != "." && s != "..");

    /// <summary>Why a template text does not compile, or null when it does.</summary>
    public static string? Problem(string content)
    {
        try
        {
            Create(new Dictionary<string, JsonElement>()).Compile(content);
            return null;
        }
        catch (HandlebarsException e)
        {
            return e.Message;
        }
    }

    /// <summary>Renders every template; throws <see cref="TemplateException"/> naming the file that failed.</summary>
    public static IReadOnlyList<RenderedFile> Render(IReadOnlyList<ApplicationTemplate> templates, TemplateContext context)
    {
        ArgumentNullException.ThrowIfNull(templates);
        ArgumentNullException.ThrowIfNull(context);
        var handlebars = Create(context.Properties);
        var data = Data(context);
        var files = new List<RenderedFile>(templates.Count);
        foreach (var template in templates)
        {
            try
            {
                var content = handlebars.Compile(template.Content)(data);
                files.Add(new RenderedFile(template.Path, content, template.Executable || template.Path.StartsWith("bin/", StringComparison.Ordinal)));
            }
            catch (HandlebarsException e)
            {
                throw new TemplateException($"{template.Path}: {e.Message}", e);
            }
        }

        return files;
    }

    /// <summary>Writes rendered files into <paramref name="workingDirectory"/> (folders created, scripts made executable).</summary>
    public static void Write(string workingDirectory, IReadOnlyList<RenderedFile> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        foreach (var file in files)
        {
            var path = Path.Combine(workingDirectory, file.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, file.Content);
            if (file.Executable && !OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                    | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            }
        }
    }

    /// <summary>A property value as text: strings as they are, numbers invariant, arrays and objects as JSON.</summary>
    public static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? "",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null or JsonValueKind.Undefined => "",
        _ => value.GetRawText(),
    };

    private static IHandlebars Create(IReadOnlyDictionary<string, JsonElement> properties)
    {
        var handlebars = Handlebars.Create(new HandlebarsConfiguration { NoEscape = true });
        handlebars.RegisterHelper("p", (writer, _, arguments) =>
        {
            if (arguments.Length is < 1 or > 2 || arguments[0] is not string name)
            {
                throw new HandlebarsException("p takes a property name and an optional default: {{p \"name\" default}}");
            }

            if (properties.TryGetValue(name, out var value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined))
            {
                writer.WriteSafeString(Text(value));
            }
            else if (arguments.Length == 2)
            {
                writer.WriteSafeString(Convert.ToString(arguments[1], CultureInfo.InvariantCulture) ?? "");
            }
            else
            {
                throw new HandlebarsException($"property '{name}' has no value and no default");
            }
        });
        handlebars.RegisterHelper("if_p", (writer, options, context, arguments) =>
        {
            var all = arguments.Length > 0 && arguments.All(a => a is string name
                && properties.TryGetValue(name, out var value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined));
            if (all)
            {
                options.Template(writer, context);
            }
            else
            {
                options.Inverse(writer, context);
            }
        });
        return handlebars;
    }

    private static Dictionary<string, object?> Data(TemplateContext context)
    {
        var name = context.JobName.Length > 0 ? context.JobName : context.JobId;
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["job"] = new Dictionary<string, object?>
            {
                ["id"] = context.JobId, ["name"] = context.JobName, ["rank"] = context.Rank, ["replicas"] = context.Replicas,
            },
            ["spec"] = new Dictionary<string, object?> { ["name"] = name, ["index"] = context.Rank, ["address"] = context.Address, ["id"] = context.JobId },
            ["address"] = context.Address,
            ["ports"] = context.Ports.ToDictionary(p => p.Key, p => (object?)p.Value),
            ["peers"] = context.Peers.ToDictionary(p => p.Key, p => (object?)new Dictionary<string, object?>
            {
                ["jobId"] = p.Value.JobId, ["address"] = p.Value.Address, ["ports"] = p.Value.Ports.ToDictionary(q => q.Key, q => (object?)q.Value),
            }),
            ["properties"] = context.Properties.ToDictionary(p => p.Key, p => Value(p.Value)),
        };
    }

    private static object? Value(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => value.TryGetInt64(out var whole) ? whole : value.GetDouble(),
        JsonValueKind.Array => value.EnumerateArray().Select(Value).ToList(),
        JsonValueKind.Object => value.EnumerateObject().ToDictionary(p => p.Name, p => Value(p.Value)),
        _ => null,
    };
}
