using System.CommandLine;
using System.Globalization;
using Wharf.Cli.Output;
using Wharf.Domain.Jobs;

namespace Wharf.Cli.Commands;

/// <summary><c>wharf explain ID</c>: why a job is not running — its place in its queue, the reason, and the nodes failing each constraint.</summary>
internal static class ExplainCommand
{
    public static Command Create(CliEnvironment env)
    {
        var id = new Argument<string>("ID") { Description = "The job's id" };
        var output = OutputFormat.CreateOption();
        var connection = new ServerConnection();
        var command = new Command("explain", "Explain why a job is not running") { id, output };
        connection.AddTo(command);
        CommandAction.SetWithClient(command, env, connection, async (client, parseResult, cancellationToken) =>
        {
            var explanation = await client.ExplainJobAsync(parseResult.GetValue(id)!, cancellationToken).ConfigureAwait(false);
            if (OutputFormat.IsJson(parseResult, output))
            {
                await JsonOutput.WriteAsync(env.Out, explanation).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            var place = explanation.Position switch
            {
                null => "",
                0 => ", next in line",
                1 => ", 1 job ahead",
                { } ahead => $", {ahead.ToString(CultureInfo.InvariantCulture)} jobs ahead",
            };
            await env.Out.WriteLineAsync($"Job {explanation.JobId}: {explanation.State.ToWire()} in queue {explanation.Queue ?? "-"}{place}").ConfigureAwait(false);
            await env.Out.WriteLineAsync($"Reason: {explanation.Reason ?? "-"}").ConfigureAwait(false);
            if (explanation.NodesConsidered is { } considered)
            {
                await env.Out.WriteLineAsync($"Nodes considered: {considered.ToString(CultureInfo.InvariantCulture)}").ConfigureAwait(false);
                var failures = explanation.Failures ?? new Dictionary<string, int>();
                if (failures.Count > 0)
                {
                    var table = new Table("CONSTRAINT FAILED FIRST", "NODES");
                    foreach (var (constraint, nodes) in failures.OrderByDescending(f => f.Value).ThenBy(f => f.Key, StringComparer.Ordinal))
                    {
                        table.Add(constraint, nodes.ToString(CultureInfo.InvariantCulture));
                    }

                    await table.WriteAsync(env.Out).ConfigureAwait(false);
                }
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
