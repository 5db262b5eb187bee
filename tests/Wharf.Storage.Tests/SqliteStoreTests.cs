using Wharf.Storage.Sql;
using Wharf.Storage.Sqlite;

namespace Wharf.Storage.Tests;

/// <summary>The store contract on SQLite: a new file, in a folder that does not exist yet, for each test.</summary>
public sealed class SqliteStoreTests : StoreContractTests
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"wharf-storage-{Guid.NewGuid():N}");

    private string DatabasePath => Path.Combine(_directory, "data", "wharf.db");

    protected override bool LeadershipIsExclusive => false;

    private protected override IReadOnlyList<SchemaMigration> ShippedMigrations => SqliteSchema.Migrations;

    protected override Task CreateDatabaseAsync() => Task.CompletedTask; // the store creates the file and its folder

    protected override Task DeleteDatabaseAsync()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        return Task.CompletedTask;
    }

    private protected override SqlWharfStore OpenStore(IReadOnlyList<SchemaMigration>? migrations) =>
        WharfStores.OpenSqlite(DatabasePath, migrations ?? ShippedMigrations);
}
