using System.Text;
using System.Text.RegularExpressions;

namespace Wharf.Templates;

/// <summary>
/// Translates the ERB that BOSH job templates commonly use into Handlebars, so one engine renders both:
/// <c>&lt;%= p("x") %&gt;</c>, <c>&lt;%= p("x", default) %&gt;</c>, <c>&lt;% if_p("x") do |v| %&gt;…&lt;%= v %&gt;…&lt;% end %&gt;</c>,
/// <c>&lt;%= spec.name %&gt;</c>, <c>spec.index</c>, <c>spec.address</c>, comments (<c>&lt;%# … %&gt;</c>) and the
/// <c>-%&gt;</c> trim marker. Anything else is refused with its file and line.
/// </summary>
public static partial class ErbTemplate
{
    /// <summary>
    /// The Handlebars text of an ERB template; throws <see cref="TemplateException"/> with <c>file:line: …</c> for a
    /// construct outside the supported subset.
    /// </summary>
    public static string Translate(string fileName, string erb)
    {
        ArgumentNullException.ThrowIfNull(erb);
        var output = new StringBuilder(erb.Length);
        var blocks = new Stack<Dictionary<string, string>>();
        var position = 0;
        while (position < erb.Length)
        {
            var open = erb.IndexOf("<%", position, StringComparison.Ordinal);
            if (open < 0)
            {
                Literal(output, erb[position..]);
                break;
            }

            Literal(output, erb[position..open]);
            var line = LineOf(erb, open);
            var close = erb.IndexOf("%>", open + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                throw Refuse(fileName, line, "an ERB tag is not closed with %>");
            }

            var tag = erb[(open + 2)..close];
            position = close + 2;
            if (tag.EndsWith('-'))
            {
                tag = tag[..^1];
                if (position < erb.Length && erb[position] == '\n')
                {
                    position++;
                }
            }

            if (tag.StartsWith('#'))
            {
                continue;
            }

            var expression = tag.StartsWith('=');
            var code = (expression ? tag[1..] : tag).TrimStart('-').Trim();
            output.Append(expression ? Expression(fileName, line, code, blocks) : Statement(fileName, line, code, blocks));
        }

        if (blocks.Count > 0)
        {
            throw Refuse(fileName, LineOf(erb, erb.Length), "an if_p block is not closed with <% end %>");
        }

        return output.ToString();
    }

    private static string Expression(string file, int line, string code, Stack<Dictionary<string, string>> blocks)
    {
        if (Call().Match(code) is { Success: true } call)
        {
            return call.Groups["default"].Success ? $"{{{{p \"{call.Groups["name"].Value}\" {Default(file, line, call.Groups["default"].Value)}}}}}" : $"{{{{p \"{call.Groups["name"].Value}\"}}}}";
        }

        if (code is "spec.name" or "spec.index" or "spec.address" or "spec.id")
        {
            return $"{{{{{code}}}}}";
        }

        foreach (var block in blocks)
        {
            if (block.TryGetValue(code, out var property))
            {
                return $"{{{{p \"{property}\"}}}}";
            }
        }

        throw Refuse(file, line, $"'<%= {code} %>' is not supported; use p(\"name\"), p(\"name\", default), a variable of if_p, spec.name, spec.index or spec.address");
    }

    private static string Statement(string file, int line, string code, Stack<Dictionary<string, string>> blocks)
    {
        if (code == "end")
        {
            if (blocks.Count == 0)
            {
                throw Refuse(file, line, "'end' closes no if_p block");
            }

            blocks.Pop();
            return "{{/if_p}}";
        }

        if (IfP().Match(code) is { Success: true } block)
        {
            var names = Names().Matches(block.Groups["names"].Value).Select(m => m.Groups[1].Value).ToList();
            var variables = block.Groups["vars"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (names.Count == 0 || variables.Length > names.Count)
            {
                throw Refuse(file, line, "if_p names one or more properties and binds at most one variable per property");
            }

            blocks.Push(variables.Select((v, i) => (v, names[i])).ToDictionary(x => x.v, x => x.Item2, StringComparer.Ordinal));
            return "{{#if_p " + string.Join(' ', names.Select(n => $"\"{n}\"")) + "}}";
        }

        throw Refuse(file, line, $"'<% {code} %>' is not supported; only if_p(\"name\") do |v| … end blocks are");
    }

    private static string Default(string file, int line, string value)
    {
        value = value.Trim();
        if (SingleQuoted().Match(value) is { Success: true } single)
        {
            return $"\"{single.Groups[1].Value}\"";
        }

        if (DoubleQuoted().IsMatch(value) || Number().IsMatch(value) || value is "true" or "false")
        {
            return value;
        }

        if (value == "nil")
        {
            return "\"\"";
        }

        throw Refuse(file, line, $"the default '{value}' is not supported; use a string, a number, true, false or nil");
    }

    private static void Literal(StringBuilder output, string text) =>
        // Handlebars would read "{{" in plain text as its own syntax; escaped, it is written as it is.
        output.Append(text.Replace("{{", "\\{{", StringComparison.Ordinal));

    private static int LineOf(string text, int index) => text.AsSpan(0, Math.Min(index, text.Length)).Count('\n') + 1;

    private static TemplateException Refuse(string file, int line, string message) => new($"{file}:{line}: {message}");

    [GeneratedRegex("""^p\(\s*["'](?<name>[A-Za-z0-9_.\-]+)["']\s*(,\s*(?<default>[^()]*))?\)$""")]
    private static partial Regex Call();

    [GeneratedRegex("""^if_p\((?<names>[^()]*)\)\s*do\s*(\|(?<vars>[^|]*)\|)?$""")]
    private static partial Regex IfP();

    [GeneratedRegex("""["']([A-Za-z0-9_.\-]+)["']""")]
    private static partial Regex Names();

    [GeneratedRegex("""^'([^'"\\]*)'$""")]
    private static partial Regex SingleQuoted();

    [GeneratedRegex("""^"[^"\\]*"$""")]
    private static partial Regex DoubleQuoted();

    [GeneratedRegex(@"^-?[0-9]+(\.[0-9]+)?$")]
    private static partial Regex Number();
}
