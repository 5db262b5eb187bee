using System.CommandLine;
using System.Globalization;
using Wharf.Cli.Output;
using Wharf.Client;
using Wharf.Domain.Jobs;

namespace Wharf.Cli.Commands;

/// <summary>
/// <c>wharf queue [ls]</c>: the queues with how many jobs wait and run; with <c>--queue Q</c>, the jobs waiting in Q
/// in the order they will be placed. <c>wharf queue move</c> changes that order.
/// </summary>
internal static class QueueCommand
{
    public static Command Create(CliEnvironment env)
    {
        var command = new Command("queue", "List the queues, or the jobs waiting in one; move a job in its queue")
        {
            QueueMoveCommand.Create(env),
        };
        var list = new Command("ls", "List the queues, or with --queue the jobs waiting in one, first to be placed first");
        list.Aliases.Add("list");
        Configure(command, env);
        Configure(list, env);
        command.Subcommands.Add(list);
        return command;
    }

    private static void Configure(Command command, CliEnvironment env)
    {
        var queue = new Option<string?>("--queue") { Description = "List the jobs waiting in this queue, in order", HelpName = "QUEUE" };
        var limit = new Option<int>("--limit") { Description = "With --queue: show at most this many jobs", DefaultValueFactory = _ => 100, HelpName = "N" };
        var output = OutputFormat.CreateOption();
        var connection = new ServerConnection();
        command.Options.Add(queue);
        command.Options.Add(limit);
        command.Options.Add(output);
        connection.AddTo(command);
        CommandAction.SetWithClient(command, env, connection, async (client, parseResult, cancellationToken) =>
        {
            var json = OutputFormat.IsJson(parseResult, output);
            if (parseResult.GetValue(queue) is not { } name)
            {
                var queues = await client.ListQueuesAsync(cancellationToken).ConfigureAwait(false);
                if (json)
                {
                    await JsonOutput.WriteAsync(env.Out, queues).ConfigureAwait(false);
                    return ExitCodes.Success;
                }

                var summary = new Table("QUEUE", "WAITING", "RUNNING");
                foreach (var q in queues.OrderBy(q => q.Name, StringComparer.Ordinal))
                {
                    summary.Add(q.Name, q.Waiting.ToString(CultureInfo.InvariantCulture), q.Running.ToString(CultureInfo.InvariantCulture));
                }

                await summary.WriteAsync(env.Out).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            var most = parseResult.GetValue(limit);
            if (most < 1)
            {
                throw new UsageException($"--limit: must be at least 1, not {most}");
            }

            var waiting = await WaitingAsync(client, name, most, cancellationToken).ConfigureAwait(false);
            if (json)
            {
                await JsonOutput.WriteAsync(env.Out, waiting).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            var table = new Table("POS", "ID", "NAME", "APP", "PROJECT", "REASON");
            var position = 0;
            foreach (var job in waiting)
            {
                table.Add((++position).ToString(CultureInfo.InvariantCulture), job.Id, job.Specification.Name,
                    job.Specification.Application?.ToString(), job.Owner.Project, job.Status.Reason);
            }

            await table.WriteAsync(env.Out).ConfigureAwait(false);
            return ExitCodes.Success;
        });
    }

    /// <summary>The jobs waiting in <paramref name="queue"/>, first to be placed first (lowest position key).</summary>
    private static async Task<List<Job>> WaitingAsync(WharfClient client, string queue, int most, CancellationToken cancellationToken)
    {
        var query = new JobBrowseQuery
        {
            ItemsPerPage = Math.Min(most, 1000),
            States = [JobState.InQueue],
            Queue = queue,
            SortBy = JobBrowseOrder.Priority,
            SortDirection = JobBrowseDirection.Ascending,
        };
        var jobs = new List<Job>();
        await foreach (var job in client.BrowseAllJobsAsync(query, cancellationToken).ConfigureAwait(false))
        {
            jobs.Add(job);
            if (jobs.Count == most)
            {
                break;
            }
        }

        return jobs;
    }
}
