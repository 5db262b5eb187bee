using System.Data.Common;

namespace Wharf.Storage.Sql;

/// <summary>
/// Brings a database to the newest schema version, one step per transaction, recording each step in
/// <c>schema_version</c>. Refuses a database newer than the code.
/// </summary>
internal sealed class SchemaMigrator(SqlDatabase database, TimeProvider time)
{
    private const string CreateVersionTable =
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, description TEXT NOT NULL, applied_at BIGINT NOT NULL)";

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var session = await database.OpenForMigrationAsync(cancellationToken).ConfigureAwait(false);

        await session.BeginAsync(write: true, cancellationToken).ConfigureAwait(false);
        await using (var create = session.Command(CreateVersionTable))
        {
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await session.CommitAsync(cancellationToken).ConfigureAwait(false);

        var current = await ReadVersionAsync(session, cancellationToken).ConfigureAwait(false);
        if (current > database.LatestVersion)
        {
            throw new SchemaTooNewException(current, database.LatestVersion);
        }

        foreach (var step in database.Migrations.Where(m => m.Version > current))
        {
            await ApplyAsync(session, step, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The version the database is at; 0 when it has no schema yet.</summary>
    public async Task<int> ReadVersionAsync(CancellationToken cancellationToken)
    {
        await using var session = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ReadVersionAsync(session, cancellationToken).ConfigureAwait(false);
    }

    private async Task ApplyAsync(SqlSession session, SchemaMigration step, CancellationToken cancellationToken)
    {
        await session.BeginAsync(write: true, cancellationToken).ConfigureAwait(false);
        try
        {
            // The migration lock keeps other migrators out, but check again inside the transaction anyway: the
            // step must apply to exactly the version before it.
            var current = await ReadVersionAsync(session, cancellationToken).ConfigureAwait(false);
            if (current >= step.Version)
            {
                await session.RollbackAsync(cancellationToken).ConfigureAwait(false);
                return;
            }

            if (current != step.Version - 1)
            {
                throw new InvalidOperationException($"schema step {step.Version} needs version {step.Version - 1}, but the database is at {current}");
            }

            foreach (var statement in step.Statements)
            {
                await using var command = session.Command(statement);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var record = session.Command(
                "INSERT INTO schema_version (version, description, applied_at) VALUES (@version, @description, @at)"))
            {
                record.With("@version", step.Version)
                    .With("@description", step.Description)
                    .With("@at", time.GetUtcNow().ToUnixTimeMilliseconds());
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await session.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbException e)
        {
            await session.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
            throw new InvalidOperationException(
                $"{database.Engine} schema step {step.Version} ({step.Description}) failed and was rolled back: {e.Message}", e);
        }
        catch
        {
            await session.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    private async Task<int> ReadVersionAsync(SqlSession session, CancellationToken cancellationToken)
    {
        await using (var exists = session.Command(database.SchemaVersionTableExistsSql))
        {
            if (await exists.ScalarLongAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                return 0;
            }
        }

        await using var read = session.Command("SELECT COALESCE(MAX(version), 0) FROM schema_version");
        return checked((int)await read.ScalarLongAsync(cancellationToken).ConfigureAwait(false));
    }
}
