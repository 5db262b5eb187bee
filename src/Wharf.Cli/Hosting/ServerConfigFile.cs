using System.Text.Json;

namespace Wharf.Cli.Hosting;

/// <summary>
/// The <c>--config wharf.json</c> file of <c>wharf server</c>:
/// <c>{ "postgres": "...", "listen": "...", "data": "...", "catalog": ["..."] }</c>.
/// Relative paths in it are taken relative to the file's own folder.
/// </summary>
internal sealed record ServerConfigFile
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public string? Postgres { get; init; }

    public string? Listen { get; init; }

    public string? Data { get; init; }

    public IReadOnlyList<string>? Catalog { get; init; }

    /// <summary>The folder the file is in, for relative paths.</summary>
    public string Directory { get; private init; } = "";

    public static ServerConfigFile Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--config: cannot read {path}: {e.Message}");
        }

        try
        {
            var config = JsonSerializer.Deserialize<ServerConfigFile>(text, Options)
                ?? throw new UsageException($"--config: {path} is empty");
            return config with { Directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? "." };
        }
        catch (JsonException e)
        {
            throw new UsageException($"--config: {path} is not valid JSON: {e.Message}");
        }
    }

    public string? ResolveData() => Data is null ? null : Path.GetFullPath(Data, Directory);

    public IReadOnlyList<string>? ResolveCatalog() => Catalog?.Select(c => Path.GetFullPath(c, Directory)).ToList();
}
