using System.CommandLine;

namespace Wharf.Cli.Commands;

/// <summary><c>wharf token revoke ID</c>: the token stops working at once.</summary>
internal static class TokenRevokeCommand
{
    public static Command Create(CliEnvironment env)
    {
        var id = new Argument<string>("ID") { Description = "The token's id (from token ls)" };
        var connection = new ServerConnection();
        var command = new Command("revoke", "Revoke a token") { id };
        connection.AddTo(command);
        CommandAction.SetWithClient(command, env, connection, async (client, parseResult, cancellationToken) =>
        {
            var tokenId = parseResult.GetValue(id)!;
            await client.RevokeTokenAsync(tokenId, cancellationToken).ConfigureAwait(false);
            await env.Out.WriteLineAsync($"revoked token {tokenId}").ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }
}
