using System.Text.Json;
using Wharf.Domain.Catalog;
using Wharf.Domain.Serialization;

namespace Wharf.Storage.Sql;

/// <summary>Applications and products as JSON documents keyed by their identities.</summary>
internal sealed class SqlCatalogStore(SqlDatabase database) : ICatalogStore
{
    public async Task UpsertApplicationAsync(ApplicationDefinition application, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(application);
        await using var session = await database.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = session.Command(
            """
            INSERT INTO applications (name, version, document, updated_at) VALUES (@name, @version, @document, @at)
            ON CONFLICT (name, version) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at
            """))
        {
            command.With("@name", application.Name).With("@version", application.Version).With("@at", now.ToUnixTimeMilliseconds());
            database.AddJson(command, "@document", JsonSerializer.Serialize(application, WharfJson.Options));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<ApplicationDefinition?> GetApplicationAsync(string name, string version, CancellationToken cancellationToken)
    {
        await using var session = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = session.Command("SELECT document FROM applications WHERE name = @name AND version = @version");
        command.With("@name", name).With("@version", version);
        var document = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
        return document is null ? null : Read<ApplicationDefinition>(document);
    }

    public async Task<IReadOnlyList<ApplicationDefinition>> ListApplicationsAsync(CancellationToken cancellationToken)
    {
        var applications = await ListAsync<ApplicationDefinition>("SELECT document FROM applications", cancellationToken).ConfigureAwait(false);

        // Ordered here, not in SQL, so both engines give the same (ordinal) order whatever the database's collation.
        return [.. applications.OrderBy(a => a.Name, StringComparer.Ordinal).ThenBy(a => a.Version, StringComparer.Ordinal)];
    }

    public async Task UpsertProductAsync(Product product, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(product);
        await using var session = await database.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = session.Command(
            """
            INSERT INTO products (provider, category, id, document, updated_at) VALUES (@provider, @category, @id, @document, @at)
            ON CONFLICT (provider, category, id) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at
            """))
        {
            command.With("@provider", product.Provider).With("@category", product.Category).With("@id", product.Id)
                .With("@at", now.ToUnixTimeMilliseconds());
            database.AddJson(command, "@document", JsonSerializer.Serialize(product, WharfJson.Options));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<Product>> ListProductsAsync(CancellationToken cancellationToken)
    {
        var products = await ListAsync<Product>("SELECT document FROM products", cancellationToken).ConfigureAwait(false);
        return
        [
            .. products.OrderBy(p => p.Provider, StringComparer.Ordinal)
                .ThenBy(p => p.Category, StringComparer.Ordinal)
                .ThenBy(p => p.Id, StringComparer.Ordinal),
        ];
    }

    private async Task<List<T>> ListAsync<T>(string sql, CancellationToken cancellationToken)
    {
        await using var session = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = session.Command(sql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var items = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            items.Add(Read<T>(reader.GetString(0)));
        }

        return items;
    }

    private static T Read<T>(string document) =>
        JsonSerializer.Deserialize<T>(document, WharfJson.Options)
        ?? throw new InvalidDataException($"a stored {typeof(T).Name} document is null");
}
