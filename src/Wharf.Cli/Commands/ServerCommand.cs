using System.CommandLine;
using Wharf.Cli.Hosting;

namespace Wharf.Cli.Commands;

/// <summary>
/// <c>wharf server</c>: the same server on PostgreSQL, for deployments where several replicas share one database.
/// Settings come from the options, then the environment (<c>WHARF_POSTGRES</c>), then <c>--config</c>.
/// </summary>
internal static class ServerCommand
{
    public const string PostgresVariable = "WHARF_POSTGRES";

    public static Command Create(CliEnvironment env)
    {
        var postgres = new Option<string?>("--postgres")
        {
            Description = $"The PostgreSQL connection string [env {PostgresVariable}]",
            HelpName = "CONNECTION",
        };
        var config = new Option<string?>("--config")
        {
            Description = "A JSON file: { \"postgres\": \"…\", \"listen\": \"…\", \"data\": \"…\", \"catalog\": [\"…\"] }",
            HelpName = "FILE",
        };
        var listen = new Option<string?>("--listen")
        {
            Description = $"The address to listen on (HOST:PORT, default {ListenAddress.Default})",
            HelpName = "HOST:PORT",
        };
        var data = new Option<string?>("--data")
        {
            Description = "The data folder: admin token and files (default ./data)",
            HelpName = "DIR",
        };
        var catalog = new Option<string[]>("--catalog")
        {
            Description = "Folders of application and product YAML files to load",
            HelpName = "DIR",
            AllowMultipleArgumentsPerToken = true,
        };

        var command = new Command("server", "Run the Wharf server on PostgreSQL") { postgres, config, listen, data, catalog };
        CommandAction.Set(command, env, (parseResult, cancellationToken) =>
        {
            var file = parseResult.GetValue(config) is { } path ? ServerConfigFile.Read(env.ResolvePath(path)) : null;
            var connection = parseResult.GetValue(postgres) ?? env.Variable(PostgresVariable) ?? file?.Postgres;
            if (string.IsNullOrWhiteSpace(connection))
            {
                throw new UsageException(
                    $"wharf server needs a PostgreSQL connection string: --postgres, {PostgresVariable}, or \"postgres\" in --config (for SQLite, use wharf up)");
            }

            var catalogs = parseResult.GetValue(catalog) is { Length: > 0 } given
                ? given.Select(env.ResolvePath).ToList()
                : file?.ResolveCatalog() ?? [];
            var settings = new HostSettings(
                parseResult.GetValue(data) is { } dataPath ? env.ResolvePath(dataPath) : file?.ResolveData() ?? env.ResolvePath("./data"),
                ListenAddress.ToUrl(parseResult.GetValue(listen) ?? file?.Listen ?? ListenAddress.Default),
                connection,
                catalogs)
            {
                Oidc = file?.ResolveOidc(),
                Execution = file?.Execution(),
            };
            return HostRunner.RunAsync(settings, env, cancellationToken);
        });
        return command;
    }
}
