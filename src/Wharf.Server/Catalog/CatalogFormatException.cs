namespace Wharf.Server.Catalog;

/// <summary>A catalog document that cannot be read at all (YAML syntax, too deep, too large), with its line.</summary>
internal sealed class CatalogFormatException(int line, string message) : Exception(message)
{
    public int Line { get; } = line;
}
