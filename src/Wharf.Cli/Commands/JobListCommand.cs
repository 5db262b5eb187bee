using System.CommandLine;
using Wharf.Cli.Output;
using Wharf.Client;
using Wharf.Domain.Jobs;

namespace Wharf.Cli.Commands;

/// <summary><c>wharf ls</c>: the caller's jobs, newest first.</summary>
internal static class JobListCommand
{
    private const int MaxPageSize = 1000;

    public static Command Create(CliEnvironment env)
    {
        var state = new Option<string[]>("--state")
        {
            Description = "Only jobs in these states (IN_QUEUE, RUNNING, CANCELING, SUCCESS, FAILURE, EXPIRED, SUSPENDED); repeat or comma-separate",
            HelpName = "STATE",
        };
        var app = new Option<string?>("--app") { Description = "Only jobs of this application (NAME or NAME@VERSION)", HelpName = "NAME" };
        var queue = new Option<string?>("--queue") { Description = "Only jobs of this queue", HelpName = "QUEUE" };
        var project = new Option<string?>("--project") { Description = "Only jobs of this project (admins; users see their own)", HelpName = "PROJECT" };
        var limit = new Option<int>("--limit")
        {
            Description = "Show at most this many jobs",
            DefaultValueFactory = _ => 50,
            HelpName = "N",
        };
        var output = OutputFormat.CreateOption();
        var connection = new ServerConnection();

        var command = new Command("ls", "List jobs, newest first") { state, app, queue, project, limit, output };
        command.Aliases.Add("list");
        connection.AddTo(command);
        CommandAction.SetWithClient(command, env, connection, async (client, parseResult, cancellationToken) =>
        {
            var most = parseResult.GetValue(limit);
            if (most < 1)
            {
                throw new UsageException($"--limit: must be at least 1, not {most}");
            }

            var (appName, appVersion) = SplitApplication(parseResult.GetValue(app));
            var query = new JobBrowseQuery
            {
                ItemsPerPage = Math.Min(most, MaxPageSize),
                States = ParseStates(parseResult.GetValue(state)),
                Application = appName,
                ApplicationVersion = appVersion,
                Queue = parseResult.GetValue(queue),
                Project = parseResult.GetValue(project),
                SortBy = JobBrowseOrder.CreatedAt,
                SortDirection = JobBrowseDirection.Descending,
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

            if (OutputFormat.IsJson(parseResult, output))
            {
                await JsonOutput.WriteAsync(env.Out, jobs).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            var table = new Table("ID", "NAME", "APP", "STATE", "QUEUE", "CREATED", "REASON");
            foreach (var job in jobs)
            {
                table.Add(job.Id, job.Specification.Name, job.Specification.Application?.ToString(), job.Status.State.ToWire(),
                    job.Status.Queue, TimeText.Format(job.CreatedAt), job.Status.Reason);
            }

            await table.WriteAsync(env.Out).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static List<JobState>? ParseStates(string[]? values)
    {
        var names = (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        if (names.Count == 0)
        {
            return null;
        }

        var states = new List<JobState>();
        foreach (var name in names)
        {
            // Accept the wire name and its friendlier spellings: IN_QUEUE, in_queue, in-queue.
            if (!JobStateFacts.TryParseWire(name.Replace('-', '_'), out var parsed))
            {
                throw new UsageException($"--state: '{name}' is not a job state (IN_QUEUE, RUNNING, CANCELING, SUCCESS, FAILURE, EXPIRED, SUSPENDED)");
            }

            states.Add(parsed);
        }

        return states;
    }

    private static (string? Name, string? Version) SplitApplication(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return (null, null);
        }

        var at = text.IndexOf('@', StringComparison.Ordinal);
        return at < 0 ? (text, null) : (text[..at], text[(at + 1)..]);
    }
}
