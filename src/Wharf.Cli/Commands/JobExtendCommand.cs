using System.CommandLine;
using Wharf.Domain.Jobs;

namespace Wharf.Cli.Commands;

/// <summary><c>wharf extend ID --time 1h30m</c>: gives a job more time.</summary>
internal static class JobExtendCommand
{
    public static Command Create(CliEnvironment env)
    {
        var id = new Argument<string>("ID") { Description = "The job's id" };
        var time = new Option<string>("--time")
        {
            Description = "How much longer, e.g. 1h, 90m, 1h30m, 45s",
            Required = true,
            HelpName = "DURATION",
        };
        var connection = new ServerConnection();
        var command = new Command("extend", "Extend a job's time allocation") { id, time };
        connection.AddTo(command);
        CommandAction.SetWithClient(command, env, connection, async (client, parseResult, cancellationToken) =>
        {
            var extra = DurationText.Parse(parseResult.GetValue(time), "--time");
            var jobId = parseResult.GetValue(id)!;
            await client.ExtendAsync(jobId, SimpleDuration.From(extra), cancellationToken).ConfigureAwait(false);
            await env.Out.WriteLineAsync($"{jobId}: extended by {DurationText.Format(extra)}").ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }
}
