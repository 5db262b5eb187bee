using Wharf.Storage.Postgres;
using Wharf.Storage.Sql;

namespace Wharf.Storage.Tests;

/// <summary>The store contract on PostgreSQL: the collection's throwaway server, a new database for each test.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreTests(PostgresFixture fixture) : StoreContractTests
{
    private string? _connectionString;

    protected override bool LeadershipIsExclusive => true;

    private protected override IReadOnlyList<SchemaMigration> ShippedMigrations => PostgresSchema.Migrations;

    protected override async Task CreateDatabaseAsync() => _connectionString = await fixture.Server.CreateDatabaseAsync();

    protected override Task DeleteDatabaseAsync() => Task.CompletedTask; // goes with the server's folder at the end of the run

    private protected override SqlWharfStore OpenStore(IReadOnlyList<SchemaMigration>? migrations) =>
        WharfStores.OpenPostgres(_connectionString ?? throw new InvalidOperationException("no database yet"), migrations ?? ShippedMigrations);
}
