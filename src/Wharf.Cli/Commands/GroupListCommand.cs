using System.CommandLine;
using System.Globalization;
using Wharf.Cli.Output;
using Wharf.Domain.Jobs;

namespace Wharf.Cli.Commands;

/// <summary><c>wharf group ls</c>: the groups the caller sees (a user: their project's; an admin: every project's), oldest first.</summary>
internal static class GroupListCommand
{
    public static Command Create(CliEnvironment env)
    {
        var kind = new Option<string?>("--kind") { Description = "Only groups of this kind", HelpName = "KIND" };
        kind.AcceptOnlyFromAmong("compose", "icos");
        var project = new Option<string?>("--project") { Description = "Only this project's groups (for admins, who see every project)", HelpName = "PROJECT" };
        var output = OutputFormat.CreateOption();
        var connection = new ServerConnection();
        var command = new Command("ls", "List job groups with their state") { kind, project, output };
        command.Aliases.Add("list");
        connection.AddTo(command);
        CommandAction.SetWithClient(command, env, connection, async (client, parseResult, cancellationToken) =>
        {
            var only = parseResult.GetValue(project);
            var groups = (await client.ListGroupsAsync(parseResult.GetValue(kind), cancellationToken).ConfigureAwait(false))
                .Where(g => only is null || string.Equals(g.Project, only, StringComparison.Ordinal))
                .ToList();
            if (OutputFormat.IsJson(parseResult, output))
            {
                await JsonOutput.WriteAsync(env.Out, groups).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            var table = new Table("ID", "NAME", "KIND", "PROJECT", "STATE", "COMPONENTS", "CREATED");
            foreach (var group in groups)
            {
                var up = group.Components.Count(c => c.State is JobState.Running or JobState.Success);
                table.Add(group.Id, group.Name, group.Kind, group.Project, group.State,
                    $"{up.ToString(CultureInfo.InvariantCulture)}/{group.Components.Count.ToString(CultureInfo.InvariantCulture)}",
                    TimeText.Format(group.CreatedAt));
            }

            await table.WriteAsync(env.Out).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }
}
