using System.CommandLine;
using Wharf.Cli.Output;
using Wharf.Client;

namespace Wharf.Cli.Commands;

/// <summary>
/// <c>wharf token create</c>: issues a token and prints its secret alone on standard output, so that
/// <c>TOKEN=$(wharf token create …)</c> works; what it is goes to the error writer.
/// </summary>
internal static class TokenCreateCommand
{
    public static Command Create(CliEnvironment env)
    {
        var role = new Option<string>("--role")
        {
            Description = "What the bearer may do: user, admin or agent",
            DefaultValueFactory = _ => "user",
            HelpName = "ROLE",
        };
        role.AcceptOnlyFromAmong("user", "admin", "agent");
        var user = new Option<string>("--user") { Description = "The user (or agent) name the bearer acts as", Required = true, HelpName = "NAME" };
        var project = new Option<string?>("--project") { Description = "The project a user's token acts for", HelpName = "PROJECT" };
        var name = new Option<string?>("--name") { Description = "A label for people", HelpName = "NAME" };
        var expires = new Option<string?>("--expires") { Description = "Lifetime, e.g. 30d or 12h (default: never)", HelpName = "DURATION" };
        var output = OutputFormat.CreateOption();
        var connection = new ServerConnection();

        var command = new Command("create", "Issue a token and print its secret (shown only once)") { role, user, project, name, expires, output };
        connection.AddTo(command);
        CommandAction.SetWithClient(command, env, connection, async (client, parseResult, cancellationToken) =>
        {
            long? lifetime = parseResult.GetValue(expires) is { } text ? (long)DurationText.Parse(text, "--expires").TotalSeconds : null;
            var request = new TokenRequest(
                parseResult.GetValue(role)!, parseResult.GetValue(user)!, parseResult.GetValue(project), parseResult.GetValue(name), lifetime);
            var issued = await client.CreateTokenAsync(request, cancellationToken).ConfigureAwait(false);
            if (OutputFormat.IsJson(parseResult, output))
            {
                await JsonOutput.WriteAsync(env.Out, issued).ConfigureAwait(false);
            }
            else
            {
                await env.Out.WriteLineAsync(issued.Token).ConfigureAwait(false);
                var scope = issued.Project is null ? "" : $", project {issued.Project}";
                await env.Error.WriteLineAsync(
                    $"token {issued.Id}: {issued.Role} {issued.User}{scope}. Keep the secret; it is not shown again.").ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
