using System.CommandLine;
using System.Globalization;
using Wharf.Cli.Output;

namespace Wharf.Cli.Commands;

/// <summary><c>wharf products</c>: the machine types; <c>wharf products register FILE</c> adds one.</summary>
internal static class ProductsCommand
{
    public static Command Create(CliEnvironment env)
    {
        var output = OutputFormat.CreateOption();
        var connection = new ServerConnection();
        var command = new Command("products", "List the products (machine types)") { output, ProductRegisterCommand.Create(env) };
        connection.AddTo(command);
        CommandAction.SetWithClient(command, env, connection, async (client, parseResult, cancellationToken) =>
        {
            var products = await client.ListProductsAsync(cancellationToken).ConfigureAwait(false);
            if (OutputFormat.IsJson(parseResult, output))
            {
                await JsonOutput.WriteAsync(env.Out, products).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            var table = new Table("PROVIDER", "CATEGORY", "ID", "CPU", "MEMORY (GiB)", "GPU", "DESCRIPTION");
            foreach (var product in products)
            {
                table.Add(product.Provider, product.Category, product.Id,
                    product.Cpu.ToString(CultureInfo.InvariantCulture),
                    product.MemoryInGigs.ToString(CultureInfo.InvariantCulture),
                    product.Gpu.ToString(CultureInfo.InvariantCulture),
                    product.Description);
            }

            await table.WriteAsync(env.Out).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }
}
