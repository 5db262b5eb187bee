using Wharf.Domain.Jobs;

namespace Wharf.Domain.Catalog;

/// <summary>What validation needs to know of the catalog: a read-only view, consistent for one request.</summary>
public interface ICatalogView
{
    /// <summary>The application with this name and version, or null.</summary>
    ApplicationDefinition? FindApplication(string name, string version);

    /// <summary>True when some version of an application with this name exists.</summary>
    bool HasApplicationNamed(string name);

    /// <summary>The product named by <paramref name="reference"/>, or null.</summary>
    Product? FindProduct(ProductReference reference);
}
