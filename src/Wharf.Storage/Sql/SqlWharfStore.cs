using System.Data.Common;

namespace Wharf.Storage.Sql;

/// <summary>The store over one SQL database; the engine's differences live in its <see cref="SqlDatabase"/>.</summary>
internal sealed class SqlWharfStore : IWharfStore
{
    private readonly SchemaMigrator _migrator;

    public SqlWharfStore(SqlDatabase database, TimeProvider time)
    {
        Database = database;
        var jobs = new SqlJobStore(database);
        Jobs = jobs;
        Groups = new SqlGroupStore(database, jobs);
        Catalog = new SqlCatalogStore(database);
        Tokens = new SqlTokenStore(database);
        Agents = new SqlAgentStore(database);
        Callbacks = new SqlCallbackOutbox(database);
        _migrator = new SchemaMigrator(database, time);
    }

    /// <summary>The database underneath; tests use it to look at rows directly.</summary>
    public SqlDatabase Database { get; }

    public string Engine => Database.Engine;

    public IJobStore Jobs { get; }

    public ICatalogStore Catalog { get; }

    public ITokenStore Tokens { get; }

    public IAgentStore Agents { get; }

    public ICallbackOutbox Callbacks { get; }

    public IGroupStore Groups { get; }

    public IStoreNotices Notices => Database.Notices;

    public Task<ILeadership?> TryLeadAsync(CancellationToken cancellationToken) => Database.TryLeadAsync(cancellationToken);

    public Task MigrateAsync(CancellationToken cancellationToken) => _migrator.MigrateAsync(cancellationToken);

    public Task<int> GetSchemaVersionAsync(CancellationToken cancellationToken) => _migrator.ReadVersionAsync(cancellationToken);

    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var session = await Database.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = session.Command("SELECT 1");
            return await command.ScalarLongAsync(cancellationToken).ConfigureAwait(false) == 1;
        }
        catch (Exception e) when (e is DbException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync() => Database.DisposeAsync();
}
