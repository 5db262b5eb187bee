namespace Wharf.Storage;

/// <summary>
/// The store: the single source of truth for jobs, the catalog and tokens. SQLite (embedded default) and PostgreSQL
/// implement it; the same contract test suite runs against both.
/// </summary>
public interface IWharfStore : IAsyncDisposable
{
    /// <summary>The engine's name: <c>sqlite</c> or <c>postgres</c>.</summary>
    string Engine { get; }

    /// <summary>Jobs, their history and idempotency records.</summary>
    IJobStore Jobs { get; }

    /// <summary>Applications and products.</summary>
    ICatalogStore Catalog { get; }

    /// <summary>API tokens (stored hashed).</summary>
    ITokenStore Tokens { get; }

    /// <summary>Agents, their leases and nodes.</summary>
    IAgentStore Agents { get; }

    /// <summary>The callback outbox: messages written with job changes, until delivered.</summary>
    ICallbackOutbox Callbacks { get; }

    /// <summary>Job groups.</summary>
    IGroupStore Groups { get; }

    /// <summary>Notices between the servers sharing the database.</summary>
    IStoreNotices Notices { get; }

    /// <summary>
    /// Tries to become the deployment's single scheduler. Null when another server holds the role (try again later);
    /// otherwise the role, held until disposed or until <see cref="ILeadership.Lost"/> fires.
    /// </summary>
    Task<ILeadership?> TryLeadAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Brings the schema to <see cref="SchemaVersion.Latest"/>, applying each missing version in order in its own
    /// transaction. A database made by an older Wharf is upgraded in place; nothing is lost.
    /// </summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>The schema version the database is at (0 for an empty database).</summary>
    Task<int> GetSchemaVersionAsync(CancellationToken cancellationToken);

    /// <summary>True when the database answers a trivial query.</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken);
}
