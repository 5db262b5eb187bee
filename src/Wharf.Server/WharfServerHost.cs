using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Wharf.Domain.Serialization;
using Wharf.Server.Auth;
using Wharf.Server.Catalog;
using Wharf.Server.Hosting;
using Wharf.Storage;

namespace Wharf.Server;

/// <summary>
/// A running Wharf server: the store opened and migrated, the catalog folders loaded, the first admin token made if
/// there was none, and the native API served by Kestrel. Dispose to stop it gracefully.
/// </summary>
public sealed class WharfServerHost : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly WebApplication _app;
    private int _disposed;

    private WharfServerHost(WebApplication app, IWharfStore store, Uri baseAddress, string adminTokenPath, string? newAdminToken)
    {
        _app = app;
        Store = store;
        BaseAddress = baseAddress;
        AdminTokenPath = adminTokenPath;
        NewAdminToken = newAdminToken;
    }

    /// <summary>The real bound address, such as <c>http://127.0.0.1:41234/</c> (the port resolved when 0 was asked).</summary>
    public Uri BaseAddress { get; }

    /// <summary>The file holding the first admin token's secret: <c>{DataDirectory}/admin.token</c>, mode 0600.</summary>
    public string AdminTokenPath { get; }

    /// <summary>The first admin token's secret, only on the start that created it; null on every later start.</summary>
    public string? NewAdminToken { get; }

    /// <summary>The store this server uses; it belongs to the host and is disposed with it.</summary>
    public IWharfStore Store { get; }

    /// <summary>Opens the store, migrates it, loads the catalog, makes the first admin token if needed, and starts serving.</summary>
    public static async Task<WharfServerHost> StartAsync(WharfServerOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.DataDirectory);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxRequestBodyBytes);
        var dataDirectory = Path.GetFullPath(options.DataDirectory);
        Directory.CreateDirectory(dataDirectory);
        Directory.CreateDirectory(Path.Combine(dataDirectory, "files"));

        var store = options.PostgresConnectionString is { } connectionString
            ? WharfStores.OpenPostgres(connectionString)
            : WharfStores.OpenSqlite(Path.Combine(dataDirectory, "wharf.db"));
        WebApplication? app = null;
        try
        {
            app = ServerPipeline.Build(options, store);
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<WharfServerHost>();
            await store.MigrateAsync(ct);
            var now = WharfJson.ToMilliseconds(options.TimeProvider.GetUtcNow());
            await CatalogLoader.LoadAsync(store, options.CatalogDirectories, now, logger, ct);
            var tokenPath = Path.Combine(dataDirectory, AdminTokenBootstrap.FileName);
            var newAdminToken = await AdminTokenBootstrap.EnsureAsync(store, tokenPath, now, logger, ct);

            await app.StartAsync(ct);
            var address = BoundAddress(app);
            logger.LogInformation("Wharf serves {Address} with the {Engine} store", address, store.Engine);
            return new WharfServerHost(app, app.Services.GetRequiredService<IWharfStore>(), address, tokenPath, newAdminToken);
        }
        catch
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }

            await store.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A handler that takes requests to this server's application in memory, for a client in this process (the local
    /// agent of <c>wharf up</c>): the same pipeline as over the network, without a socket. Its requests need absolute
    /// addresses, as any; <see cref="BaseAddress"/> serves.
    /// </summary>
    public HttpMessageHandler CreateInProcessHandler() => _app.Services.GetRequiredService<InProcessServer>().CreateHandler();

    /// <summary>Completes when the server stops (disposed, or the process is asked to stop).</summary>
    public Task WaitForShutdownAsync(CancellationToken ct) => _app.WaitForShutdownAsync(ct);

    /// <summary>Stops serving (letting requests in flight finish, up to ten seconds) and closes the store.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        using (var timeout = new CancellationTokenSource(StopTimeout))
        {
            await _app.StopAsync(timeout.Token);
        }

        await _app.DisposeAsync();
        await Store.DisposeAsync();
    }

    private static Uri BoundAddress(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        var first = addresses?.FirstOrDefault() ?? throw new InvalidOperationException("the server is bound to no address");

        // Kestrel reports wildcard hosts as "+", "*" or "[::]"; a client reaches them through loopback.
        var uri = new UriBuilder(first.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
        return new Uri(uri.Uri.GetLeftPart(UriPartial.Authority) + "/");
    }
}
