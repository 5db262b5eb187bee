using Wharf.Domain.Catalog;

namespace Wharf.Client;

public partial class WharfClient
{
    /// <summary>Every application in the catalog (<c>GET /api/applications</c>).</summary>
    public async Task<IReadOnlyList<ApplicationDefinition>> ListApplicationsAsync(CancellationToken cancellationToken)
    {
        var answer = await GetAsync<ItemsResponse<ApplicationDefinition>>("api/applications", cancellationToken).ConfigureAwait(false);
        return answer.Items ?? [];
    }

    /// <summary>One application by name and version (<c>GET /api/applications/retrieve</c>).</summary>
    public Task<ApplicationDefinition> RetrieveApplicationAsync(string name, string version, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(version);
        return GetAsync<ApplicationDefinition>(
            $"api/applications/retrieve?name={Uri.EscapeDataString(name)}&version={Uri.EscapeDataString(version)}", cancellationToken);
    }

    /// <summary>Registers (or replaces) an application, admins only (<c>POST /api/applications</c>); returns what was stored.</summary>
    public Task<ApplicationDefinition> RegisterApplicationAsync(ApplicationDefinition application, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(application);
        return PostAsync<ApplicationDefinition, ApplicationDefinition>("api/applications", application, cancellationToken);
    }

    /// <summary>Registers an application from the text of its YAML file, sent as written; returns what was stored.</summary>
    public Task<ApplicationDefinition> RegisterApplicationYamlAsync(string yaml, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        return SendAsync<ApplicationDefinition>(HttpMethod.Post, "api/applications", YamlBody(yaml), cancellationToken);
    }

    /// <summary>Every product (<c>GET /api/products</c>).</summary>
    public async Task<IReadOnlyList<Product>> ListProductsAsync(CancellationToken cancellationToken)
    {
        var answer = await GetAsync<ItemsResponse<Product>>("api/products", cancellationToken).ConfigureAwait(false);
        return answer.Items ?? [];
    }

    /// <summary>Registers (or replaces) a product, admins only (<c>POST /api/products</c>); returns what was stored.</summary>
    public Task<Product> RegisterProductAsync(Product product, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(product);
        return PostAsync<Product, Product>("api/products", product, cancellationToken);
    }

    /// <summary>Registers a product from the text of its YAML file, sent as written; returns what was stored.</summary>
    public Task<Product> RegisterProductYamlAsync(string yaml, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        return SendAsync<Product>(HttpMethod.Post, "api/products", YamlBody(yaml), cancellationToken);
    }
}
