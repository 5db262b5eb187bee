using System.CommandLine;
using Wharf.Cli.Output;

namespace Wharf.Cli.Commands;

/// <summary><c>wharf whoami</c>: who the server takes the token's bearer to be.</summary>
internal static class WhoAmICommand
{
    public static Command Create(CliEnvironment env)
    {
        var output = OutputFormat.CreateOption();
        var connection = new ServerConnection();
        var command = new Command("whoami", "Show who the token acts as") { output };
        connection.AddTo(command);
        CommandAction.SetWithClient(command, env, connection, async (client, parseResult, cancellationToken) =>
        {
            var identity = await client.WhoAmIAsync(cancellationToken).ConfigureAwait(false);
            if (OutputFormat.IsJson(parseResult, output))
            {
                await JsonOutput.WriteAsync(env.Out, identity).ConfigureAwait(false);
            }
            else
            {
                var project = identity.Project is null ? "" : $", project {identity.Project}";
                await env.Out.WriteLineAsync($"{identity.User} ({identity.Role}{project}) at {client.BaseAddress}").ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
