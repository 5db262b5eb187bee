using System.CommandLine;
using Wharf.Cli.Output;

namespace Wharf.Cli.Commands;

/// <summary><c>wharf show ID</c>: one job, its specification, status and history.</summary>
internal static class JobShowCommand
{
    public static Command Create(CliEnvironment env)
    {
        var id = new Argument<string>("ID") { Description = "The job's id" };
        var output = OutputFormat.CreateOption();
        var connection = new ServerConnection();
        var command = new Command("show", "Show a job: specification, status and history") { id, output };
        connection.AddTo(command);
        CommandAction.SetWithClient(command, env, connection, async (client, parseResult, cancellationToken) =>
        {
            var job = await client.RetrieveJobAsync(parseResult.GetValue(id)!, cancellationToken).ConfigureAwait(false);
            if (OutputFormat.IsJson(parseResult, output))
            {
                await JsonOutput.WriteAsync(env.Out, job).ConfigureAwait(false);
            }
            else
            {
                await JobDescription.WriteAsync(env.Out, job).ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
