namespace Wharf.Storage;

/// <summary>
/// Thrown by <see cref="IWharfStore.MigrateAsync"/> when the database was made by a newer Wharf than this one:
/// this build cannot know what the newer schema means, so it refuses to touch it.
/// </summary>
public sealed class SchemaTooNewException : InvalidOperationException
{
    /// <summary>Creates the exception for a database at <paramref name="databaseVersion"/>.</summary>
    public SchemaTooNewException(int databaseVersion, int supportedVersion)
        : base($"The database is at schema version {databaseVersion}, but this build of Wharf knows versions up to "
            + $"{supportedVersion} only. Run a Wharf at least as new as the one that last upgraded this database.")
    {
        DatabaseVersion = databaseVersion;
        SupportedVersion = supportedVersion;
    }

    /// <summary>The schema version the database is at.</summary>
    public int DatabaseVersion { get; }

    /// <summary>The newest schema version this build knows.</summary>
    public int SupportedVersion { get; }
}
