using System.CommandLine;
using Wharf.Cli.Hosting;

namespace Wharf.Cli.Commands;

/// <summary>
/// <c>wharf up</c>: the embedded default. Runs the server, its scheduler and one local agent with the process driver in
/// this process, with SQLite in a data folder, serving the repository's example catalog when it is found, until Ctrl-C.
/// </summary>
internal static class UpCommand
{
    public static Command Create(CliEnvironment env)
    {
        var data = new Option<string>("--data")
        {
            Description = "The data folder: database, tokens, files, the agent's state and the jobs' folders",
            DefaultValueFactory = _ => "./data",
            HelpName = "DIR",
        };
        var listen = new Option<string>("--listen")
        {
            Description = "The address to listen on (HOST:PORT; port 0 picks a free one)",
            DefaultValueFactory = _ => ListenAddress.Default,
            HelpName = "HOST:PORT",
        };
        var catalog = new Option<string[]>("--catalog")
        {
            Description = "Folders of application and product YAML files to load (default: examples/catalog when found)",
            HelpName = "DIR",
            AllowMultipleArgumentsPerToken = true,
        };
        var noAgent = new Option<bool>("--no-agent") { Description = "Run without the local agent: jobs wait until an agent joins" };
        var keepTasks = new Option<bool>("--keep-tasks")
        {
            Description = "Leave the jobs' processes running when Wharf stops; the next start takes them back (default: stop them)",
        };

        var command = new Command("up", "Run Wharf on this machine: the API, the scheduler and a local agent, with SQLite in a data folder")
        {
            data, listen, catalog, noAgent, keepTasks,
        };
        CommandAction.Set(command, env, (parseResult, cancellationToken) =>
        {
            if (parseResult.GetValue(noAgent) && parseResult.GetValue(keepTasks))
            {
                throw new UsageException("--keep-tasks is about the local agent's jobs; it makes no sense with --no-agent");
            }

            var catalogs = parseResult.GetValue(catalog) is { Length: > 0 } given
                ? given.Select(env.ResolvePath).ToList()
                : DefaultCatalog(env);
            var settings = new HostSettings(
                env.ResolvePath(parseResult.GetValue(data)!),
                ListenAddress.ToUrl(parseResult.GetValue(listen)!),
                PostgresConnectionString: null,
                catalogs)
            {
                LocalAgent = parseResult.GetValue(noAgent) ? null : new LocalAgentSettings(parseResult.GetValue(keepTasks)),
            };
            return HostRunner.RunAsync(settings, env, cancellationToken);
        });
        return command;
    }

    private static List<string> DefaultCatalog(CliEnvironment env) =>
        CatalogLocator.Find(env.WorkingDirectory, AppContext.BaseDirectory) is { } found ? [found] : [];
}
