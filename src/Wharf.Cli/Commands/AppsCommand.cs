using System.CommandLine;
using System.Globalization;
using Wharf.Cli.Output;

namespace Wharf.Cli.Commands;

/// <summary><c>wharf apps</c>: the application catalog; <c>wharf apps register FILE</c> adds to it.</summary>
internal static class AppsCommand
{
    public static Command Create(CliEnvironment env)
    {
        var output = OutputFormat.CreateOption();
        var connection = new ServerConnection();
        var command = new Command("apps", "List the applications in the catalog") { output, AppRegisterCommand.Create(env) };
        connection.AddTo(command);
        CommandAction.SetWithClient(command, env, connection, async (client, parseResult, cancellationToken) =>
        {
            var applications = await client.ListApplicationsAsync(cancellationToken).ConfigureAwait(false);
            if (OutputFormat.IsJson(parseResult, output))
            {
                await JsonOutput.WriteAsync(env.Out, applications).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            var table = new Table("NAME", "VERSION", "PARAMETERS", "PORTS", "TITLE");
            foreach (var app in applications.OrderBy(a => a.Name, StringComparer.Ordinal).ThenBy(a => a.Version, StringComparer.Ordinal))
            {
                table.Add(app.Name, app.Version,
                    app.Parameters.Count == 0 ? null : string.Join(", ", app.Parameters.Select(p => $"{p.Name}:{p.Type}{(p.Optional ? "?" : "")}")),
                    app.Ports.Count == 0 ? null : app.Ports.Count.ToString(CultureInfo.InvariantCulture),
                    app.Title);
            }

            await table.WriteAsync(env.Out).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }
}
