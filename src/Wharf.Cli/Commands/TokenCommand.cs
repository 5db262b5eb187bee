using System.CommandLine;

namespace Wharf.Cli.Commands;

/// <summary><c>wharf token</c>: issue, list and revoke API tokens (admins).</summary>
internal static class TokenCommand
{
    public static Command Create(CliEnvironment env) =>
        new("token", "Issue, list and revoke API tokens (admin)")
        {
            TokenCreateCommand.Create(env),
            TokenListCommand.Create(env),
            TokenRevokeCommand.Create(env),
        };
}
