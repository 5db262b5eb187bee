using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Wharf.Cli.Commands;

/// <summary>
/// A manifest read from disk for <c>wharf group up</c>, with its <c>.env</c> text, and the variables the command adds
/// as <c>docker compose</c> does: the shell's value of each variable the file names wins over the <c>.env</c>, and
/// <see cref="ComposeDirectoryVariable"/> tells the file where it lies.
/// </summary>
internal sealed partial record GroupManifestFile(string Path, string Text, string? EnvPath, string? EnvText)
{
    /// <summary>
    /// Set to the compose file's folder (absolute) unless the shell or the <c>.env</c> sets it: jobs run in folders of
    /// their own, so a command names the programs beside the file through it, e.g. <c>${WHARF_COMPOSE_DIR}/bin/app</c>.
    /// </summary>
    public const string ComposeDirectoryVariable = "WHARF_COMPOSE_DIR";

    /// <summary>The files looked for, in order, when no <c>-f</c> is given (compose's own list).</summary>
    public static readonly string[] DefaultFiles = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"];

    private const string DefaultEnvFile = ".env";

    /// <summary>
    /// Reads the manifest <paramref name="file"/> (default: the first of <see cref="DefaultFiles"/> in the working
    /// folder) and the env file (default: a <c>.env</c> beside the manifest, when there is one).
    /// </summary>
    public static GroupManifestFile Read(CliEnvironment env, string? file, string? envFile)
    {
        ArgumentNullException.ThrowIfNull(env);
        var path = file is not null
            ? env.ResolvePath(file)
            : DefaultFiles.Select(env.ResolvePath).FirstOrDefault(File.Exists)
              ?? throw new UsageException($"-f: no {string.Join(", ", DefaultFiles)} in {env.WorkingDirectory}; name the file with -f");
        var text = ReadText(path, file ?? System.IO.Path.GetFileName(path), "-f");
        var envPath = envFile is not null
            ? env.ResolvePath(envFile)
            : System.IO.Path.Combine(System.IO.Path.GetDirectoryName(path)!, DefaultEnvFile);
        var envText = envFile is not null || File.Exists(envPath) ? ReadText(envPath, envFile ?? envPath, "--env-file") : null;
        return new GroupManifestFile(path, text, envText is null ? null : envPath, envText);
    }

    /// <summary>The folder the manifest is in.</summary>
    public string Directory => System.IO.Path.GetDirectoryName(Path)!;

    /// <summary>
    /// The variables sent beside the <c>.env</c> text (they win over it): the shell's value of each variable the
    /// manifest refers to, and <see cref="ComposeDirectoryVariable"/> unless the shell or the <c>.env</c> sets it.
    /// Only variables the file names are sent, never the whole environment.
    /// </summary>
    public Dictionary<string, string> Variables(CliEnvironment env)
    {
        ArgumentNullException.ThrowIfNull(env);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in ReferencedVariables(Text))
        {
            if (env.Variable(name) is { } value)
            {
                values[name] = value;
            }
        }

        if (!values.ContainsKey(ComposeDirectoryVariable) && !DefinesVariable(EnvText, ComposeDirectoryVariable))
        {
            values[ComposeDirectoryVariable] = Directory;
        }

        return values;
    }

    /// <summary>
    /// The name the manifest gives the group (its top-level <c>name</c>), or null when it gives none, names it
    /// through a variable, or does not parse (the server then says what is wrong).
    /// </summary>
    public string? DeclaredName()
    {
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(Text));
            if (stream.Documents.Count > 0
                && stream.Documents[0].RootNode is YamlMappingNode root
                && root.Children.TryGetValue(new YamlScalarNode("name"), out var node)
                && node is YamlScalarNode { Value: { Length: > 0 } name }
                && !name.Contains('$', StringComparison.Ordinal))
            {
                return name.Trim();
            }
        }
        catch (YamlException)
        {
        }

        return null;
    }

    /// <summary>
    /// The group name used when neither the manifest nor <c>--name</c> gives one: the manifest's folder, lower-cased,
    /// as compose names a project.
    /// </summary>
    public string FolderName()
    {
        var folder = System.IO.Path.GetFileName(Directory.TrimEnd(System.IO.Path.DirectorySeparatorChar)).ToLowerInvariant();
        var cleaned = NotNameCharacters().Replace(folder, "").Trim('-', '_');
        return cleaned.Length > 0 ? cleaned : "default";
    }

    /// <summary>
    /// The variables a compose text refers to (<c>$NAME</c>, <c>${NAME…}</c>, also inside defaults), skipping
    /// compose's <c>$$</c> escape.
    /// </summary>
    public static IReadOnlyCollection<string> ReferencedVariables(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var names = new SortedSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < text.Length - 1; i++)
        {
            if (text[i] != '$')
            {
                continue;
            }

            if (text[i + 1] == '$')
            {
                i++;
                continue;
            }

            var start = text[i + 1] == '{' ? i + 2 : i + 1;
            var end = start;
            while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] == '_'))
            {
                end++;
            }

            if (end > start && !char.IsAsciiDigit(text[start]))
            {
                names.Add(text[start..end]);
            }
        }

        return names;
    }

    private static bool DefinesVariable(string? envText, string name) =>
        envText is not null && envText.Split('\n').Any(line => EnvAssignment().Match(line) is { Success: true } m && m.Groups[1].Value == name);

    private static string ReadText(string path, string shown, string option)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{option}: cannot read {shown}: {e.Message}");
        }
    }

    [GeneratedRegex(@"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=")]
    private static partial Regex EnvAssignment();

    [GeneratedRegex("[^a-z0-9_-]")]
    private static partial Regex NotNameCharacters();
}
