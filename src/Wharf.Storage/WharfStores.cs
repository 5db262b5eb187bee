using Wharf.Storage.Postgres;
using Wharf.Storage.Sql;
using Wharf.Storage.Sqlite;

namespace Wharf.Storage;

/// <summary>
/// Opens the store on one of its two engines. Neither method connects: the first connection is made by the first
/// call, which should be <see cref="IWharfStore.MigrateAsync"/>.
/// </summary>
public static class WharfStores
{
    /// <summary>
    /// The embedded store: one SQLite file (created, with its folder, when missing) in WAL mode. Writes are
    /// serialized inside the process; reads run beside them.
    /// </summary>
    public static IWharfStore OpenSqlite(string databasePath) => OpenSqlite(databasePath, SqliteSchema.Migrations);

    /// <summary>The shared store: a PostgreSQL database that several Wharf servers may use at once.</summary>
    public static IWharfStore OpenPostgres(string connectionString) => OpenPostgres(connectionString, PostgresSchema.Migrations);

    /// <summary>Opens SQLite with another list of migrations (tests prove upgrades with it).</summary>
    internal static SqlWharfStore OpenSqlite(string databasePath, IReadOnlyList<SchemaMigration> migrations)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        return new SqlWharfStore(new SqliteDatabase(databasePath, migrations), TimeProvider.System);
    }

    /// <summary>Opens PostgreSQL with another list of migrations (tests prove upgrades with it).</summary>
    internal static SqlWharfStore OpenPostgres(string connectionString, IReadOnlyList<SchemaMigration> migrations)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return new SqlWharfStore(new PostgresDatabase(connectionString, migrations), TimeProvider.System);
    }
}
