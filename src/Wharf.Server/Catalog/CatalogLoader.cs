using System.Text;
using Wharf.Storage;

namespace Wharf.Server.Catalog;

/// <summary>
/// Loads the catalog folders at start: every <c>*.yaml</c> and <c>*.yml</c> below each folder, in name order, is read
/// and checked; only when every file is valid is anything upserted, so a typo cannot leave half a catalog.
/// </summary>
internal static class CatalogLoader
{
    public static async Task LoadAsync(IWharfStore store, IReadOnlyList<string> directories, DateTimeOffset now, ILogger logger, CancellationToken cancellationToken)
    {
        var entries = new List<(string File, CatalogEntry Entry)>();
        var problems = new List<string>();
        foreach (var directory in directories)
        {
            if (!Directory.Exists(directory))
            {
                throw new DirectoryNotFoundException($"catalog folder '{directory}' does not exist");
            }

            var files = Directory.EnumerateFiles(directory, "*.*", SearchOption.AllDirectories)
                .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal);
            foreach (var file in files)
            {
                var text = await File.ReadAllTextAsync(file, Encoding.UTF8, cancellationToken);
                var reading = CatalogDocuments.ReadYaml(text, expected: null);
                problems.AddRange(reading.Errors.Select(e => $"{file}: {e.Field}: {e.Message}"));
                // An application remembers the folder it came from: its jobs see it as WHARF_APP_DIR.
                var folder = Path.GetDirectoryName(Path.GetFullPath(file));
                entries.AddRange(reading.Entries.Select(e => (file, e.Application is { } application ? e with { Application = application with { BaseDirectory = folder } } : e)));
            }
        }

        problems.AddRange(Duplicates(entries));
        if (problems.Count > 0)
        {
            throw new InvalidDataException("the catalog has problems:" + Environment.NewLine + string.Join(Environment.NewLine, problems));
        }

        foreach (var (_, entry) in entries)
        {
            if (entry.Application is { } application)
            {
                await store.Catalog.UpsertApplicationAsync(application, now, cancellationToken);
            }
            else if (entry.Product is { } product)
            {
                await store.Catalog.UpsertProductAsync(product, now, cancellationToken);
            }
        }

        logger.LogInformation("Loaded {Applications} applications and {Products} products from {Folders} catalog folders",
            entries.Count(e => e.Entry.Application is not null), entries.Count(e => e.Entry.Product is not null), directories.Count);
    }

    private static IEnumerable<string> Duplicates(List<(string File, CatalogEntry Entry)> entries)
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (file, entry) in entries)
        {
            var key = entry.Application is { } a ? $"application {a.Name} {a.Version}" : $"product {entry.Product!.Reference}";
            var here = $"{file}:{entry.Line}";
            if (!seen.TryAdd(key, here))
            {
                yield return $"{here}: {key} is also defined at {seen[key]}";
            }
        }
    }
}
