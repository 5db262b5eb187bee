using System.Text.Json;
using Wharf.Domain.Serialization;

namespace Wharf.Cli;

/// <summary>A catalog document read from disk for <c>apps register</c> / <c>products register</c>: YAML sent as written, or JSON.</summary>
internal sealed record CatalogFile(string Path, string Text, bool IsJson)
{
    public static CatalogFile Read(CliEnvironment env, string path)
    {
        var full = env.ResolvePath(path);
        try
        {
            var text = File.ReadAllText(full);
            return new CatalogFile(full, text, full.EndsWith(".json", StringComparison.OrdinalIgnoreCase));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read {path}: {e.Message}");
        }
    }

    public T Parse<T>()
    {
        try
        {
            return JsonSerializer.Deserialize<T>(Text, WharfJson.Options) ?? throw new UsageException($"{Path} is empty");
        }
        catch (JsonException e)
        {
            throw new UsageException($"{Path} is not valid JSON: {e.Message}");
        }
    }
}
