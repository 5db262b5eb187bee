using System.Text;

namespace Wharf.Server.Groups.Manifests;

/// <summary>
/// Turns a command written as one text into arguments: simple words (with quotes and backslashes, as a shell reads
/// them) are split; anything that needs a shell (pipes, redirections, <c>&amp;&amp;</c>, variables, globs, leading
/// <c>VAR=value</c>) runs under <c>/bin/sh -c</c>, since Wharf runs commands without a shell.
/// </summary>
internal static class CommandLine
{
    private const string ShellCharacters = "|&;<>()$`*?[]#~{}\n";

    /// <summary>The shell that runs text commands.</summary>
    public static IReadOnlyList<string> Shell(string text) => ["/bin/sh", "-c", text];

    /// <summary>The words of <paramref name="text"/>, or null when only a shell can run it.</summary>
    public static List<string>? Split(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is ' ' or '\t')
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }

                continue;
            }

            inWord = true;
            if (c == '\'')
            {
                var close = text.IndexOf('\'', i + 1);
                if (close < 0)
                {
                    return null;
                }

                word.Append(text, i + 1, close - i - 1);
                i = close;
            }
            else if (c == '"')
            {
                for (i++; i < text.Length && text[i] != '"'; i++)
                {
                    if (text[i] is '$' or '`')
                    {
                        return null;
                    }

                    if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] is '"' or '\\')
                    {
                        i++;
                    }

                    word.Append(text[i]);
                }

                if (i >= text.Length)
                {
                    return null;
                }
            }
            else if (c == '\\')
            {
                if (i + 1 >= text.Length)
                {
                    return null;
                }

                word.Append(text[++i]);
            }
            else if (ShellCharacters.Contains(c, StringComparison.Ordinal) || (c == '=' && words.Count == 0 && IsAssignment(word)))
            {
                return null;
            }
            else
            {
                word.Append(c);
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }

    /// <summary>An argument quoted for <c>/bin/sh</c> when it is not a plain word.</summary>
    public static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=,@%+".Contains(c, StringComparison.Ordinal))
            ? word
            : $"'{word.Replace("'", "'\\''", StringComparison.Ordinal)}'";

    private static bool IsAssignment(StringBuilder word) =>
        word.Length > 0 && (char.IsAsciiLetter(word[0]) || word[0] == '_') && word.ToString().All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_');
}
