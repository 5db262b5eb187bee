namespace Wharf.Storage;

/// <summary>The schema version this build of Wharf writes.</summary>
public static class SchemaVersion
{
    /// <summary>The newest version; <see cref="IWharfStore.MigrateAsync"/> brings every database to it.</summary>
    public const int Latest = 6;
}
