namespace Wharf.Cli.Hosting;

/// <summary>
/// Finds the repository's <c>examples/catalog</c> for <c>wharf up</c>, so that a fresh clone serves the example
/// applications without flags: looks in each start folder and its parents.
/// </summary>
internal static class CatalogLocator
{
    public static readonly string RelativePath = Path.Combine("examples", "catalog");

    /// <summary>The first <c>examples/catalog</c> found walking up from each of <paramref name="startDirectories"/> in turn, or null.</summary>
    public static string? Find(params string[] startDirectories)
    {
        foreach (var start in startDirectories)
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, RelativePath);
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
