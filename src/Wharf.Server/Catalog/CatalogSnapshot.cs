using Wharf.Domain.Catalog;
using Wharf.Domain.Jobs;

namespace Wharf.Server.Catalog;

/// <summary>The catalog as read at one moment: immutable, so one request validates against one consistent view.</summary>
internal sealed class CatalogSnapshot : ICatalogView
{
    private readonly Dictionary<(string Name, string Version), ApplicationDefinition> _applications;
    private readonly HashSet<string> _names;

    public CatalogSnapshot(IReadOnlyList<ApplicationDefinition> applications, IReadOnlyList<Product> products)
    {
        Applications = applications;
        Products = products;
        _applications = applications.ToDictionary(a => (a.Name, a.Version));
        _names = [.. applications.Select(a => a.Name)];
    }

    public static CatalogSnapshot Empty { get; } = new([], []);

    /// <summary>Every application, by name then version (the store's order).</summary>
    public IReadOnlyList<ApplicationDefinition> Applications { get; }

    /// <summary>Every product, by provider, category, id.</summary>
    public IReadOnlyList<Product> Products { get; }

    public ApplicationDefinition? FindApplication(string name, string version) =>
        _applications.GetValueOrDefault((name, version));

    public bool HasApplicationNamed(string name) => _names.Contains(name);

    public Product? FindProduct(ProductReference reference) => Products.FirstOrDefault(p => p.Matches(reference));
}
