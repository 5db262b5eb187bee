using System.CommandLine;
using Wharf.Cli.Output;
using Wharf.Client;

namespace Wharf.Cli.Commands;

/// <summary>
/// <c>wharf group up -f compose.yaml</c>: creates a job group from a compose file (or an ICOS descriptor), or, as
/// <c>docker compose up</c> does, gives the live group of that name in the project the new manifest. Prints the group's
/// id alone on the first line, then each component's state and host ports. With <c>--wait</c> it follows the group
/// until it is RUNNING or COMPLETED (exit 0), or DEGRADED or STOPPED (exit 1).
/// </summary>
internal static class GroupUpCommand
{
    private const string Compose = "compose";
    private const string Icos = "icos";

    public static Command Create(CliEnvironment env)
    {
        var file = new Option<string?>("--file", "-f")
        {
            Description = $"The compose file (YAML or JSON) or ICOS descriptor (default: {string.Join(", ", GroupManifestFile.DefaultFiles)} here)",
            HelpName = "FILE",
        };
        var envFile = new Option<string?>("--env-file")
        {
            Description = "The .env file for ${VAR} substitution (default: .env beside the compose file, when there is one)",
            HelpName = "FILE",
        };
        var name = new Option<string?>("--name")
        {
            Description = "The group's name when the file names none (default: the compose file's folder)",
            HelpName = "NAME",
        };
        var kind = new Option<string>("--kind") { Description = "What the file is", DefaultValueFactory = _ => Compose, HelpName = "KIND" };
        kind.AcceptOnlyFromAmong(Compose, Icos);
        var project = new Option<string?>("--project")
        {
            Description = $"The project the group belongs to [env {RunCommand.ProjectVariable}]; a user's token acts for its own, an admin's defaults to '{RunCommand.AdminDefaultProject}'",
            HelpName = "PROJECT",
        };
        var wait = new Option<bool>("--wait")
        {
            Description = "Follow the group until it is RUNNING or COMPLETED (exit 0), or DEGRADED or STOPPED (exit 1), showing each change",
        };
        var output = OutputFormat.CreateOption();
        var connection = new ServerConnection();
        var command = new Command("up", "Create a job group from a compose file, or update the group of that name")
        {
            file, envFile, name, kind, project, wait, output,
        };
        connection.AddTo(command);
        CommandAction.SetWithClient(command, env, connection, async (client, parseResult, cancellationToken) =>
        {
            var isCompose = parseResult.GetValue(kind) == Compose;
            if (!isCompose && parseResult.GetValue(envFile) is not null)
            {
                throw new UsageException("--env-file: only a compose file has variables");
            }

            var manifest = GroupManifestFile.Read(env, parseResult.GetValue(file), isCompose ? parseResult.GetValue(envFile) : null);
            var fallbackName = parseResult.GetValue(name) ?? (isCompose ? manifest.FolderName() : null);
            var request = new GroupManifestRequest(
                parseResult.GetValue(kind), manifest.Text, fallbackName,
                isCompose ? manifest.EnvText : null, isCompose ? manifest.Variables(env) : null);

            var (owner, acting) = await ProjectAsync(client, parseResult.GetValue(project) ?? env.Variable(RunCommand.ProjectVariable), cancellationToken)
                .ConfigureAwait(false);
            var groupName = manifest.DeclaredName() ?? fallbackName;
            var existing = groupName is null
                ? null
                : await GroupTarget.FindByNameAsync(client, groupName, acting, cancellationToken).ConfigureAwait(false);
            var group = existing is null
                ? await client.CreateGroupAsync(request, owner, null, cancellationToken).ConfigureAwait(false)
                : await client.UpdateGroupAsync(existing.Id, request, cancellationToken).ConfigureAwait(false);

            var json = OutputFormat.IsJson(parseResult, output);
            if (!json)
            {
                // The id first, alone on standard output, so that a script can read it while the group starts.
                await env.Out.WriteLineAsync(group.Id).ConfigureAwait(false);
                await env.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
                await env.Error.WriteLineAsync($"{(existing is null ? "created" : "updated")} group {group.Name} (generation {group.Generation}) in project {group.Project}")
                    .ConfigureAwait(false);
                foreach (var warning in group.Warnings ?? [])
                {
                    await env.Error.WriteLineAsync($"warning: {warning.Field}: {warning.Message}").ConfigureAwait(false);
                }
            }

            var exit = ExitCodes.Success;
            if (parseResult.GetValue(wait))
            {
                group = await new GroupWait(client, env.Error, TimeProvider.System).UntilSettledAsync(group.Id, cancellationToken).ConfigureAwait(false);
                exit = GroupWait.IsUp(group.State) ? ExitCodes.Success : ExitCodes.Failure;
            }

            if (json)
            {
                await JsonOutput.WriteAsync(env.Out, group).ConfigureAwait(false);
            }
            else
            {
                await GroupDescription.WriteComponentsAsync(env.Out, group).ConfigureAwait(false);
            }

            return exit;
        });
        return command;
    }

    /// <summary>
    /// The project to create in (null: the token's own) and the project the group lives in, where an existing group of
    /// the same name is looked for. An admin's token acts for no project, and a group must belong to one: as with
    /// <c>wharf run</c>, an admin's groups go to <see cref="RunCommand.AdminDefaultProject"/> unless a project is given.
    /// </summary>
    private static async Task<(string? Owner, string? Acting)> ProjectAsync(WharfClient client, string? given, CancellationToken cancellationToken)
    {
        if (given is not null)
        {
            return (given, given);
        }

        var caller = await client.WhoAmIAsync(cancellationToken).ConfigureAwait(false);
        return caller.Role == "admin" && caller.Project is null
            ? (RunCommand.AdminDefaultProject, RunCommand.AdminDefaultProject)
            : (null, caller.Project);
    }
}
