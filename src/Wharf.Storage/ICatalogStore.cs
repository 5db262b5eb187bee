using Wharf.Domain.Catalog;

namespace Wharf.Storage;

/// <summary>Applications and products, stored as documents.</summary>
public interface ICatalogStore
{
    /// <summary>Adds the application, or replaces the one with the same name and version.</summary>
    Task UpsertApplicationAsync(ApplicationDefinition application, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The application with this name and version, or null.</summary>
    Task<ApplicationDefinition?> GetApplicationAsync(string name, string version, CancellationToken cancellationToken);

    /// <summary>Every application, by name then version.</summary>
    Task<IReadOnlyList<ApplicationDefinition>> ListApplicationsAsync(CancellationToken cancellationToken);

    /// <summary>Adds the product, or replaces the one with the same provider, category and id.</summary>
    Task UpsertProductAsync(Product product, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Every product, by provider, category, id.</summary>
    Task<IReadOnlyList<Product>> ListProductsAsync(CancellationToken cancellationToken);
}
