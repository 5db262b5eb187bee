using System.CommandLine;
using System.Globalization;
using Wharf.Cli.Output;

namespace Wharf.Cli.Commands;

/// <summary><c>wharf nodes</c>: every node with its state, capacity and allocation (admins); <c>wharf nodes declare</c> adds admission-only capacity.</summary>
internal static class NodesCommand
{
    public static Command Create(CliEnvironment env)
    {
        var output = OutputFormat.CreateOption();
        var connection = new ServerConnection();
        var command = new Command("nodes", "List the nodes: state, capacity, what is allocated (admins)") { output, NodeDeclareCommand.Create(env) };
        connection.AddTo(command);
        CommandAction.SetWithClient(command, env, connection, async (client, parseResult, cancellationToken) =>
        {
            var nodes = await client.ListNodesAsync(cancellationToken).ConfigureAwait(false);
            if (OutputFormat.IsJson(parseResult, output))
            {
                await JsonOutput.WriteAsync(env.Out, nodes).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            var table = new Table("ID", "NAME", "STATE", "CPU", "MEMORY (GiB)", "GPU", "AGENT", "LABELS");
            foreach (var node in nodes.OrderBy(n => n.Name, StringComparer.Ordinal).ThenBy(n => n.Id, StringComparer.Ordinal))
            {
                var labels = node.Labels is null ? null : string.Join(",", node.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));
                table.Add(node.Id, node.Name, node.State,
                    Used(node.Allocated.Cpu, node.Capacity.Cpu),
                    Used(node.Allocated.MemoryInGigs, node.Capacity.MemoryInGigs),
                    Used(node.Allocated.Gpu, node.Capacity.Gpu),
                    node.Declared ? "(declared)" : node.AgentId,
                    labels);
            }

            await table.WriteAsync(env.Out).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary><c>allocated/capacity</c>, e.g. <c>1/4</c> or <c>0.5/15.5</c>.</summary>
    private static string Used(double allocated, double capacity) =>
        $"{Math.Round(allocated, 2).ToString(CultureInfo.InvariantCulture)}/{Math.Round(capacity, 2).ToString(CultureInfo.InvariantCulture)}";
}
