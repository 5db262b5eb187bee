using System.CommandLine;
using Wharf.Cli.Output;
using Wharf.Domain.Catalog;

namespace Wharf.Cli.Commands;

/// <summary><c>wharf apps register FILE</c>: registers an application from its YAML (or JSON) file (admin).</summary>
internal static class AppRegisterCommand
{
    public static Command Create(CliEnvironment env)
    {
        var file = new Argument<string>("FILE") { Description = "The application's YAML file (.json files are sent as JSON)" };
        var output = OutputFormat.CreateOption();
        var connection = new ServerConnection();
        var command = new Command("register", "Register an application from a YAML file (admin)") { file, output };
        connection.AddTo(command);
        CommandAction.SetWithClient(command, env, connection, async (client, parseResult, cancellationToken) =>
        {
            var document = CatalogFile.Read(env, parseResult.GetValue(file)!);
            var stored = document.IsJson
                ? await client.RegisterApplicationAsync(document.Parse<ApplicationDefinition>(), cancellationToken).ConfigureAwait(false)
                : await client.RegisterApplicationYamlAsync(document.Text, cancellationToken).ConfigureAwait(false);
            if (OutputFormat.IsJson(parseResult, output))
            {
                await JsonOutput.WriteAsync(env.Out, stored).ConfigureAwait(false);
            }
            else
            {
                await env.Out.WriteLineAsync($"registered application {stored.Name}@{stored.Version}").ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
