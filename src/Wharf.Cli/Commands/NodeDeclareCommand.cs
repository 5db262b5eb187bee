using System.CommandLine;
using Wharf.Cli.Hosting;
using Wharf.Cli.Output;
using Wharf.Domain.Agents;
using Wharf.Domain.Jobs;

namespace Wharf.Cli.Commands;

/// <summary>
/// <c>wharf nodes declare --name N --cpu C --memory M</c>: capacity without an agent, for admission-only queues; it
/// never runs tasks. Declaring a name again replaces it.
/// </summary>
internal static class NodeDeclareCommand
{
    public static Command Create(CliEnvironment env)
    {
        var name = new Option<string>("--name") { Description = "The node's name", Required = true, HelpName = "NAME" };
        var cpu = new Option<double>("--cpu") { Description = "Cores it offers", Required = true, HelpName = "N" };
        var memory = new Option<double>("--memory") { Description = "Memory it offers, in GiB", Required = true, HelpName = "GIB" };
        var gpu = new Option<int>("--gpu") { Description = "GPUs it offers", HelpName = "N" };
        var disk = new Option<double>("--disk") { Description = "Disk it offers, in GiB", HelpName = "GIB" };
        var labels = new Option<string[]>("--label") { Description = "A label, KEY=VALUE; repeat for more", HelpName = "KEY=VALUE" };
        var products = new Option<string[]>("--product")
        {
            Description = "A product it offers, PROVIDER/CATEGORY/ID; repeat for more (default: every product that fits)",
            HelpName = "PRODUCT",
        };
        var output = OutputFormat.CreateOption();
        var connection = new ServerConnection();
        var command = new Command("declare", "Declare capacity without an agent, for admission only (admins)")
        {
            name, cpu, memory, gpu, disk, labels, products, output,
        };
        connection.AddTo(command);
        CommandAction.SetWithClient(command, env, connection, async (client, parseResult, cancellationToken) =>
        {
            var offered = (parseResult.GetValue(products) ?? []).Select(ParseProduct).ToList();
            var node = await client.DeclareNodeAsync(
                parseResult.GetValue(name)!,
                new NodeResources(parseResult.GetValue(cpu), parseResult.GetValue(memory), parseResult.GetValue(gpu), parseResult.GetValue(disk)),
                NodeDescription.ParseLabels(parseResult.GetValue(labels) ?? [], "--label"),
                offered.Count == 0 ? null : offered,
                cancellationToken).ConfigureAwait(false);
            if (OutputFormat.IsJson(parseResult, output))
            {
                await JsonOutput.WriteAsync(env.Out, node).ConfigureAwait(false);
            }
            else
            {
                await env.Out.WriteLineAsync($"declared node {node.Name} ({node.Id})").ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static ProductReference ParseProduct(string text)
    {
        var parts = text.Split('/');
        return parts.Length == 3 && parts.All(p => p.Length > 0)
            ? new ProductReference(parts[2], parts[1], parts[0])
            : throw new UsageException($"--product: '{text}' is not PROVIDER/CATEGORY/ID");
    }
}
