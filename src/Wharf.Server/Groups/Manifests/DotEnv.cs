using System.Text;

namespace Wharf.Server.Groups.Manifests;

/// <summary>
/// Reads a compose <c>.env</c> text: <c>KEY=VALUE</c> lines, blank lines and <c>#</c> comments, an optional
/// <c>export </c> prefix, values in single quotes (literal), double quotes (with <c>\n</c>, <c>\"</c>, <c>\\</c>
/// escapes and substitution) or bare (an inline <c> #</c> starts a comment). Bare and double-quoted values may use
/// variables defined on earlier lines, as compose allows.
/// </summary>
internal static class DotEnv
{
    public static Dictionary<string, string> Read(string text, ManifestFaults faults)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n].Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line[7..].TrimStart();
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? line : line[..equals].Trim();
            if (equals < 0 || !IsName(key))
            {
                faults.Fault("env", "invalid", $"line {n + 1} of the .env text: expected KEY=VALUE with KEY made of letters, digits, '_', '.' or '-'");
                continue;
            }

            var raw = line[(equals + 1)..].TrimStart();
            var value = Value(raw, n + 1, values, faults);
            if (value is not null)
            {
                values[key] = value;
            }
        }

        return values;
    }

    private static string? Value(string raw, int lineNumber, Dictionary<string, string> earlier, ManifestFaults faults)
    {
        if (raw.Length > 0 && raw[0] == '\'')
        {
            var close = raw.IndexOf('\'', 1);
            if (close < 0)
            {
                faults.Fault("env", "invalid", $"line {lineNumber} of the .env text: the single quote is not closed");
                return null;
            }

            return raw[1..close];
        }

        if (raw.Length > 0 && raw[0] == '"')
        {
            var result = new StringBuilder();
            for (var i = 1; i < raw.Length; i++)
            {
                var c = raw[i];
                if (c == '"')
                {
                    return ComposeInterpolation.Substitute(result.ToString(), "env", earlier, faults);
                }

                if (c == '\\' && i + 1 < raw.Length)
                {
                    var next = raw[++i];
                    result.Append(next switch { 'n' => '\n', 't' => '\t', 'r' => '\r', _ => next });
                    continue;
                }

                result.Append(c);
            }

            faults.Fault("env", "invalid", $"line {lineNumber} of the .env text: the double quote is not closed");
            return null;
        }

        var comment = raw.IndexOf(" #", StringComparison.Ordinal);
        var bare = (comment >= 0 ? raw[..comment] : raw).Trim();
        return ComposeInterpolation.Substitute(bare, "env", earlier, faults);
    }

    private static bool IsName(string key) =>
        key.Length > 0 && (char.IsAsciiLetter(key[0]) || key[0] == '_') && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-');
}
