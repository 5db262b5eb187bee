namespace Wharf.Server;

/// <summary>How a <see cref="WharfServerHost"/> is started: where its data lives, where it listens, what it loads.</summary>
public sealed class WharfServerOptions
{
    /// <summary>The data folder, created if missing; it holds <c>wharf.db</c>, <c>admin.token</c> and <c>files/</c>.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Where Kestrel listens; <c>http://127.0.0.1:0</c> picks a free port (see <see cref="WharfServerHost.BaseAddress"/>).</summary>
    public string Urls { get; init; } = "http://127.0.0.1:8080";

    /// <summary>A PostgreSQL connection string; null means SQLite at <c>{DataDirectory}/wharf.db</c>.</summary>
    public string? PostgresConnectionString { get; init; }

    /// <summary>Folders whose <c>*.yaml</c>/<c>*.yml</c> files (applications and products) are upserted at start.</summary>
    public IReadOnlyList<string> CatalogDirectories { get; init; } = [];

    /// <summary>The clock for job times and token expiry; tests pass their own.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The largest request body accepted; larger bodies are answered 413 <c>payload_too_large</c>.</summary>
    public long MaxRequestBodyBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>When set, RS256 JWTs from this OpenID Connect provider are accepted besides Wharf's own tokens.</summary>
    public OidcOptions? Oidc { get; init; }

    /// <summary>How jobs are run: agent leases, long polls, stops, logs, the scheduler.</summary>
    public ExecutionOptions Execution { get; init; } = new();

    /// <summary>How callbacks (webhooks) are signed and retried.</summary>
    public CallbackOptions Callbacks { get; init; } = new();
}
