using System.CommandLine;
using Wharf.Cli.Output;

namespace Wharf.Cli.Commands;

/// <summary>
/// <c>wharf group down ID|NAME</c>: terminates every job of the group and deletes it; with <c>--stop</c> it only stops
/// it (kept, and started again by the next <c>group up</c>).
/// </summary>
internal static class GroupDownCommand
{
    public static Command Create(CliEnvironment env)
    {
        var target = new Argument<string>("GROUP") { Description = "The group's id or name" };
        var stop = new Option<bool>("--stop") { Description = "Only stop the group's jobs; keep the group, so that `group up` starts it again" };
        var project = new Option<string?>("--project") { Description = "The project to look for the name in (admins)", HelpName = "PROJECT" };
        var output = OutputFormat.CreateOption();
        var connection = new ServerConnection();
        var command = new Command("down", "Stop a job group's jobs and delete it (--stop: keep it)") { target, stop, project, output };
        connection.AddTo(command);
        CommandAction.SetWithClient(command, env, connection, async (client, parseResult, cancellationToken) =>
        {
            var found = await GroupTarget.FindAsync(client, parseResult.GetValue(target)!, parseResult.GetValue(project), cancellationToken)
                .ConfigureAwait(false);
            var onlyStop = parseResult.GetValue(stop);
            var group = onlyStop
                ? await client.StopGroupAsync(found.Id, cancellationToken).ConfigureAwait(false)
                : await client.DeleteGroupAsync(found.Id, cancellationToken).ConfigureAwait(false);
            if (OutputFormat.IsJson(parseResult, output))
            {
                await JsonOutput.WriteAsync(env.Out, group).ConfigureAwait(false);
            }
            else
            {
                await env.Out.WriteLineAsync($"{(onlyStop ? "stopped" : "deleted")} group {group.Name} ({group.Id}): {group.State}").ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
