using System.CommandLine;
using System.Globalization;
using Wharf.Client;

namespace Wharf.Cli.Commands;

/// <summary><c>wharf queue move ID --front|--back|--before OTHER|--after OTHER</c>: changes a waiting job's place in its queue.</summary>
internal static class QueueMoveCommand
{
    public static Command Create(CliEnvironment env)
    {
        var id = new Argument<string>("ID") { Description = "The waiting job to move" };
        var front = new Option<bool>("--front") { Description = "To the front: the next to be placed" };
        var back = new Option<bool>("--back") { Description = "To the back" };
        var before = new Option<string?>("--before") { Description = "Just before this job of the same queue", HelpName = "OTHER" };
        var after = new Option<string?>("--after") { Description = "Just after this job of the same queue", HelpName = "OTHER" };
        var connection = new ServerConnection();
        var command = new Command("move", "Move a waiting job in its queue") { id, front, back, before, after };
        connection.AddTo(command);
        CommandAction.SetWithClient(command, env, connection, async (client, parseResult, cancellationToken) =>
        {
            var moves = new List<(QueueMove Move, string Text)>();
            if (parseResult.GetValue(front))
            {
                moves.Add((QueueMove.Front, "to the front of"));
            }

            if (parseResult.GetValue(back))
            {
                moves.Add((QueueMove.Back, "to the back of"));
            }

            if (parseResult.GetValue(before) is { } first)
            {
                moves.Add((QueueMove.Before(first), $"before job {first} in"));
            }

            if (parseResult.GetValue(after) is { } second)
            {
                moves.Add((QueueMove.After(second), $"after job {second} in"));
            }

            if (moves.Count != 1)
            {
                throw new UsageException("say where to move the job with exactly one of --front, --back, --before OTHER, --after OTHER");
            }

            var (move, text) = moves[0];
            var place = await client.MoveJobAsync(parseResult.GetValue(id)!, move, cancellationToken).ConfigureAwait(false);
            await env.Out.WriteLineAsync(
                $"{place.Id}: moved {text} queue {place.Queue} (position key {place.Priority.ToString(CultureInfo.InvariantCulture)})").ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }
}
