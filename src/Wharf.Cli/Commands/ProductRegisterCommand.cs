using System.CommandLine;
using Wharf.Cli.Output;
using Wharf.Domain.Catalog;

namespace Wharf.Cli.Commands;

/// <summary><c>wharf products register FILE</c>: registers a product from its YAML (or JSON) file (admin).</summary>
internal static class ProductRegisterCommand
{
    public static Command Create(CliEnvironment env)
    {
        var file = new Argument<string>("FILE") { Description = "The product's YAML file (.json files are sent as JSON)" };
        var output = OutputFormat.CreateOption();
        var connection = new ServerConnection();
        var command = new Command("register", "Register a product from a YAML file (admin)") { file, output };
        connection.AddTo(command);
        CommandAction.SetWithClient(command, env, connection, async (client, parseResult, cancellationToken) =>
        {
            var document = CatalogFile.Read(env, parseResult.GetValue(file)!);
            var stored = document.IsJson
                ? await client.RegisterProductAsync(document.Parse<Product>(), cancellationToken).ConfigureAwait(false)
                : await client.RegisterProductYamlAsync(document.Text, cancellationToken).ConfigureAwait(false);
            if (OutputFormat.IsJson(parseResult, output))
            {
                await JsonOutput.WriteAsync(env.Out, stored).ConfigureAwait(false);
            }
            else
            {
                await env.Out.WriteLineAsync($"registered product {stored.Reference}").ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
