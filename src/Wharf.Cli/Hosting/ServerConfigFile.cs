using System.Text.Json;
using Wharf.Scheduling;
using Wharf.Server;

namespace Wharf.Cli.Hosting;

/// <summary>
/// The <c>--config wharf.json</c> file of <c>wharf server</c>:
/// <c>{ "postgres": "...", "listen": "...", "data": "...", "catalog": ["..."] }</c>.
/// Relative paths in it are taken relative to the file's own folder.
/// </summary>
internal sealed record ServerConfigFile
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public string? Postgres { get; init; }

    public string? Listen { get; init; }

    public string? Data { get; init; }

    public IReadOnlyList<string>? Catalog { get; init; }

    /// <summary>Accept JWTs from an OIDC provider such as Keycloak (issuer, audience, jwksJson or keyFile, claim names).</summary>
    public OidcOptions? Oidc { get; init; }

    /// <summary>Queue policies: <c>[{"name": "vm", "fairShare": true, "backfill": true, "nodeLabels": {"pool": "vm"}}]</c>.</summary>
    public IReadOnlyList<QueueConfig>? Queues { get; init; }

    /// <summary>After how many seconds without a heartbeat an agent's jobs are taken back (default 30).</summary>
    public double? LeaseTimeoutSeconds { get; init; }

    /// <summary>The folder the file is in, for relative paths.</summary>
    public string Directory { get; private init; } = "";

    public static ServerConfigFile Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--config: cannot read {path}: {e.Message}");
        }

        try
        {
            var config = JsonSerializer.Deserialize<ServerConfigFile>(text, Options)
                ?? throw new UsageException($"--config: {path} is empty");
            return config with { Directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? "." };
        }
        catch (JsonException e)
        {
            throw new UsageException($"--config: {path} is not valid JSON: {e.Message}");
        }
    }

    public string? ResolveData() => Data is null ? null : Path.GetFullPath(Data, Directory);

    public IReadOnlyList<string>? ResolveCatalog() => Catalog?.Select(c => Path.GetFullPath(c, Directory)).ToList();

    /// <summary>The OIDC settings with a key file taken relative to the config file's folder.</summary>
    public OidcOptions? ResolveOidc() => Oidc is { KeyFile: { } keyFile } oidc
        ? new OidcOptions
        {
            Issuer = oidc.Issuer,
            Audience = oidc.Audience,
            JwksJson = oidc.JwksJson,
            KeyFile = Path.GetFullPath(keyFile, Directory),
            UserClaim = oidc.UserClaim,
            ProjectClaim = oidc.ProjectClaim,
            RolesClaim = oidc.RolesClaim,
            AdminRole = oidc.AdminRole,
            AgentRole = oidc.AgentRole,
            ClockSkew = oidc.ClockSkew,
        }
        : Oidc;

    /// <summary>The execution settings the file asks for, on top of the defaults.</summary>
    public ExecutionOptions Execution()
    {
        var defaults = new ExecutionOptions();
        if (LeaseTimeoutSeconds is <= 0)
        {
            throw new UsageException("--config: leaseTimeoutSeconds must be positive");
        }

        return new ExecutionOptions
        {
            LeaseTimeout = LeaseTimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : defaults.LeaseTimeout,
            Scheduler = Queues is null ? defaults.Scheduler : new SchedulerOptions { Queues = [.. Queues.Select(q => q.ToPolicy())] },
        };
    }
}

/// <summary>A queue's policy in a config file.</summary>
internal sealed record QueueConfig(string Name, bool FairShare = false, bool Backfill = true, IReadOnlyDictionary<string, string>? NodeLabels = null)
{
    public QueuePolicy ToPolicy() => string.IsNullOrWhiteSpace(Name)
        ? throw new UsageException("--config: every queue needs a name")
        : new QueuePolicy { Name = Name, FairShare = FairShare, Backfill = Backfill, NodeLabels = NodeLabels ?? new Dictionary<string, string>() };
}
