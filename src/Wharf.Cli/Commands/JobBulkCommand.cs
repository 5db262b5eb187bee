using System.CommandLine;
using Wharf.Client;

namespace Wharf.Cli.Commands;

/// <summary>
/// The shape shared by <c>cancel</c>, <c>suspend</c> and <c>resume</c>: one or more job ids, one bulk request,
/// all or none.
/// </summary>
internal static class JobBulkCommand
{
    public static Command Create(
        CliEnvironment env, string name, string description, string done,
        Func<WharfClient, IReadOnlyList<string>, CancellationToken, Task> operation)
    {
        var ids = new Argument<string[]>("ID") { Description = "The jobs' ids", Arity = ArgumentArity.OneOrMore };
        var connection = new ServerConnection();
        var command = new Command(name, description) { ids };
        connection.AddTo(command);
        CommandAction.SetWithClient(command, env, connection, async (client, parseResult, cancellationToken) =>
        {
            var jobIds = parseResult.GetValue(ids) ?? [];
            await operation(client, jobIds, cancellationToken).ConfigureAwait(false);
            foreach (var id in jobIds)
            {
                await env.Out.WriteLineAsync($"{id}: {done}").ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
