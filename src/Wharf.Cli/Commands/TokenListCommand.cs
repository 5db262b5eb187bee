using System.CommandLine;
using Wharf.Cli.Output;

namespace Wharf.Cli.Commands;

/// <summary><c>wharf token ls</c>: the tokens that are not revoked (never their secrets).</summary>
internal static class TokenListCommand
{
    public static Command Create(CliEnvironment env)
    {
        var output = OutputFormat.CreateOption();
        var connection = new ServerConnection();
        var command = new Command("ls", "List the tokens that are not revoked") { output };
        command.Aliases.Add("list");
        connection.AddTo(command);
        CommandAction.SetWithClient(command, env, connection, async (client, parseResult, cancellationToken) =>
        {
            var tokens = await client.ListTokensAsync(cancellationToken).ConfigureAwait(false);
            if (OutputFormat.IsJson(parseResult, output))
            {
                await JsonOutput.WriteAsync(env.Out, tokens).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            var table = new Table("ID", "ROLE", "USER", "PROJECT", "NAME", "CREATED", "EXPIRES");
            foreach (var token in tokens)
            {
                table.Add(token.Id, token.Role, token.User, token.Project, token.Name,
                    TimeText.Format(token.CreatedAt), TimeText.Format(token.ExpiresAt) ?? "never");
            }

            await table.WriteAsync(env.Out).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }
}
