namespace Wharf.Cli.Hosting;

/// <summary>How <c>wharf up</c> or <c>wharf server</c> runs the server, once options, environment and config file are merged.</summary>
/// <param name="DataDirectory">The absolute data folder.</param>
/// <param name="Urls">The address to listen on, as a URL (<c>http://127.0.0.1:8080</c>).</param>
/// <param name="PostgresConnectionString">The PostgreSQL connection string, or null for SQLite in the data folder.</param>
/// <param name="CatalogDirectories">Absolute folders of application and product YAML files loaded at start.</param>
internal sealed record HostSettings(string DataDirectory, string Urls, string? PostgresConnectionString, IReadOnlyList<string> CatalogDirectories)
{
    /// <summary>The local agent to run beside the server (<c>wharf up</c>), or null for none (<c>--no-agent</c>, <c>wharf server</c>).</summary>
    public LocalAgentSettings? LocalAgent { get; init; }

    /// <summary>OIDC JWTs to accept besides Wharf's own tokens; null for none.</summary>
    public Wharf.Server.OidcOptions? Oidc { get; init; }

    /// <summary>Leases and queue policies; the defaults when null.</summary>
    public Wharf.Server.ExecutionOptions? Execution { get; init; }
}

/// <summary>How the local agent of <c>wharf up</c> runs.</summary>
/// <param name="KeepTasks">Leave the jobs' processes running when Wharf stops (<c>--keep-tasks</c>); the next start takes them back.</param>
internal sealed record LocalAgentSettings(bool KeepTasks);
