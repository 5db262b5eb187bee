using Wharf.Domain.Catalog;
using Wharf.Domain.Jobs;
using Wharf.Storage;

namespace Wharf.Server.Catalog;

/// <summary>
/// The catalog as this server sees it: read from the store, kept in memory, reloaded after this server's writes and
/// at most <see cref="MaxAge"/> after the last read, because several servers may share one PostgreSQL and another
/// may have registered an application since.
/// </summary>
internal sealed class CatalogCache(IWharfStore store, TimeProvider time) : ICatalogView, IDisposable
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(2);

    private readonly SemaphoreSlim _reload = new(1, 1);
    private volatile CatalogSnapshot _snapshot = CatalogSnapshot.Empty;
    private long _loadedAt;
    private bool _loaded;

    /// <summary>The current view, reloaded first when it is older than <see cref="MaxAge"/>.</summary>
    public async Task<CatalogSnapshot> GetAsync(CancellationToken cancellationToken)
    {
        if (IsFresh())
        {
            return _snapshot;
        }

        await _reload.WaitAsync(cancellationToken);
        try
        {
            // Another request may have reloaded while this one waited.
            if (!IsFresh())
            {
                await LoadAsync(cancellationToken);
            }

            return _snapshot;
        }
        finally
        {
            _reload.Release();
        }
    }

    /// <summary>Reloads now: after a write, so that the writer's next request sees it.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _reload.WaitAsync(cancellationToken);
        try
        {
            await LoadAsync(cancellationToken);
        }
        finally
        {
            _reload.Release();
        }
    }

    public ApplicationDefinition? FindApplication(string name, string version) => _snapshot.FindApplication(name, version);

    public bool HasApplicationNamed(string name) => _snapshot.HasApplicationNamed(name);

    public Product? FindProduct(ProductReference reference) => _snapshot.FindProduct(reference);

    public void Dispose() => _reload.Dispose();

    private bool IsFresh() => Volatile.Read(ref _loaded) && time.GetElapsedTime(Interlocked.Read(ref _loadedAt)) < MaxAge;

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var applications = await store.Catalog.ListApplicationsAsync(cancellationToken);
        var products = await store.Catalog.ListProductsAsync(cancellationToken);
        _snapshot = new CatalogSnapshot(applications, products);
        Interlocked.Exchange(ref _loadedAt, started);
        Volatile.Write(ref _loaded, true);
    }
}
