using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Wharf.Server.Groups.Manifests;

/// <summary>
/// Compose's variable substitution, applied to every text value after parsing (never to the raw text, so a value
/// cannot break the YAML structure): <c>$$</c>, <c>$VAR</c>, <c>${VAR}</c>, <c>${VAR:-default}</c>,
/// <c>${VAR-default}</c>, <c>${VAR:?message}</c>, <c>${VAR?message}</c>, <c>${VAR:+other}</c>, <c>${VAR+other}</c>;
/// defaults may themselves hold substitutions. An unset variable without a default becomes "" with a warning.
/// </summary>
internal static class ComposeInterpolation
{
    /// <summary>Substitutes in every text value under <paramref name="node"/> (in place).</summary>
    public static void Apply(JsonNode? node, string path, IReadOnlyDictionary<string, string> variables, ManifestFaults faults)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    if (value is JsonValue && value.GetValueKind() == JsonValueKind.String)
                    {
                        obj[key] = JsonValue.Create(Substitute(value.GetValue<string>(), ManifestFields.Path(path, key), variables, faults));
                    }
                    else
                    {
                        Apply(value, ManifestFields.Path(path, key), variables, faults);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var item = array[i];
                    if (item is JsonValue && item.GetValueKind() == JsonValueKind.String)
                    {
                        array[i] = JsonValue.Create(Substitute(item.GetValue<string>(), $"{path}[{i}]", variables, faults));
                    }
                    else
                    {
                        Apply(item, $"{path}[{i}]", variables, faults);
                    }
                }

                break;
        }
    }

    /// <summary>The text with its substitutions made; faults and warnings name <paramref name="path"/>.</summary>
    public static string Substitute(string text, string path, IReadOnlyDictionary<string, string> variables, ManifestFaults faults)
    {
        if (!text.Contains('$'))
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c != '$')
            {
                result.Append(c);
                i++;
                continue;
            }

            if (i + 1 < text.Length && text[i + 1] == '$')
            {
                result.Append('$');
                i += 2;
            }
            else if (i + 1 < text.Length && text[i + 1] == '(')
            {
                // Wharf's own $(NAME), expanded by the agent from the rank's environment (ports, peers): compose has no
                // meaning for "$(", so it passes through unchanged rather than making every such command write "$$(".
                result.Append("$(");
                i += 2;
            }
            else if (i + 1 < text.Length && text[i + 1] == '{')
            {
                var close = MatchingBrace(text, i + 1);
                if (close < 0)
                {
                    faults.Fault(path, "invalid_interpolation", $"{path}: '${{' has no closing '}}' (write $$ for a literal $)");
                    return text;
                }

                result.Append(Braced(text[(i + 2)..close], path, variables, faults));
                i = close + 1;
            }
            else
            {
                var end = i + 1;
                while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] == '_') && !(end == i + 1 && char.IsAsciiDigit(text[end])))
                {
                    end++;
                }

                if (end == i + 1)
                {
                    faults.Fault(path, "invalid_interpolation", $"{path}: '$' must start a variable such as $NAME or ${{NAME}} (write $$ for a literal $)");
                    return text;
                }

                result.Append(Lookup(text[(i + 1)..end], path, variables, faults));
                i = end;
            }
        }

        return result.ToString();
    }

    private static string Braced(string inner, string path, IReadOnlyDictionary<string, string> variables, ManifestFaults faults)
    {
        var nameEnd = 0;
        while (nameEnd < inner.Length && (char.IsAsciiLetterOrDigit(inner[nameEnd]) || inner[nameEnd] == '_'))
        {
            nameEnd++;
        }

        var name = inner[..nameEnd];
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            faults.Fault(path, "invalid_interpolation", $"{path}: '${{{inner}}}' does not start with a variable name");
            return "";
        }

        var rest = inner[nameEnd..];
        var found = variables.TryGetValue(name, out var value);
        if (rest.Length == 0)
        {
            return Lookup(name, path, variables, faults);
        }

        // ':' makes an empty value count as unset, as in the shell.
        var colon = rest[0] == ':';
        var op = colon ? rest.Length > 1 ? rest[1] : '\0' : rest[0];
        var argument = rest[(colon ? 2 : 1)..];
        var present = found && (!colon || value!.Length > 0);
        switch (op)
        {
            case '-':
                return present ? value! : Substitute(argument, path, variables, faults);
            case '+':
                return present ? Substitute(argument, path, variables, faults) : "";
            case '?':
                if (!present)
                {
                    var message = argument.Length > 0 ? Substitute(argument, path, variables, faults) : $"{name} is not set";
                    faults.Fault(path, "required_variable", $"{path}: variable {name} is required: {message}");
                    return "";
                }

                return value!;
            default:
                faults.Fault(path, "invalid_interpolation", $"{path}: '${{{inner}}}' is not a substitution Wharf knows (${{VAR}}, ${{VAR:-default}}, ${{VAR:?message}}, ${{VAR:+other}})");
                return "";
        }
    }

    private static string Lookup(string name, string path, IReadOnlyDictionary<string, string> variables, ManifestFaults faults)
    {
        if (variables.TryGetValue(name, out var value))
        {
            return value;
        }

        faults.Warn(path, "unset_variable", $"{path}: variable {name} is not set; it is replaced by an empty text");
        return "";
    }

    private static int MatchingBrace(string text, int open)
    {
        var depth = 0;
        for (var i = open; i < text.Length; i++)
        {
            if (text[i] == '{')
            {
                depth++;
            }
            else if (text[i] == '}' && --depth == 0)
            {
                return i;
            }
        }

        return -1;
    }
}
