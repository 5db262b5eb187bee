using System.CommandLine;
using Wharf.Cli.Output;

namespace Wharf.Cli.Commands;

/// <summary>
/// <c>wharf group show ID|NAME</c>: one group, its aggregate state, and each component's job, state, health, host
/// ports and reason. The jobs are ordinary jobs: <c>wharf show JOB</c> and <c>wharf logs JOB</c> tell more.
/// </summary>
internal static class GroupShowCommand
{
    public static Command Create(CliEnvironment env)
    {
        var target = new Argument<string>("GROUP") { Description = "The group's id or name" };
        var project = new Option<string?>("--project") { Description = "The project to look for the name in (admins)", HelpName = "PROJECT" };
        var output = OutputFormat.CreateOption();
        var connection = new ServerConnection();
        var command = new Command("show", "Show a job group: its components, their jobs, states, health and ports") { target, project, output };
        connection.AddTo(command);
        CommandAction.SetWithClient(command, env, connection, async (client, parseResult, cancellationToken) =>
        {
            var group = await GroupTarget.FindAsync(client, parseResult.GetValue(target)!, parseResult.GetValue(project), cancellationToken)
                .ConfigureAwait(false);
            if (OutputFormat.IsJson(parseResult, output))
            {
                await JsonOutput.WriteAsync(env.Out, group).ConfigureAwait(false);
            }
            else
            {
                await GroupDescription.WriteAsync(env.Out, group).ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
