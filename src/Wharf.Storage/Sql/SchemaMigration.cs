namespace Wharf.Storage.Sql;

/// <summary>
/// One step of the schema: the statements that bring a database from <c>Version - 1</c> to <see cref="Version"/>.
/// Each step runs in its own transaction (both engines have transactional DDL), so a failed step leaves the
/// database at the version before it.
/// </summary>
/// <param name="Version">The version the database is at once the step has run.</param>
/// <param name="Description">What the step does, recorded in <c>schema_version</c>.</param>
/// <param name="Statements">The statements, in order.</param>
internal sealed record SchemaMigration(int Version, string Description, IReadOnlyList<string> Statements)
{
    /// <summary>Checks that <paramref name="migrations"/> number their versions 1, 2, 3 … with no gap.</summary>
    public static IReadOnlyList<SchemaMigration> Ordered(params SchemaMigration[] migrations)
    {
        for (var i = 0; i < migrations.Length; i++)
        {
            if (migrations[i].Version != i + 1)
            {
                throw new ArgumentException($"migration {i} has version {migrations[i].Version}; expected {i + 1}", nameof(migrations));
            }
        }

        return migrations;
    }
}
