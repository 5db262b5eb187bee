using System.CommandLine;
using Wharf.Cli.Output;
using Wharf.Domain.Agents;

namespace Wharf.Cli.Commands;

/// <summary>
/// <c>wharf show ID</c>: one job, its specification, status (ranks with their health, conditions) and history.
/// <c>--files</c> prints instead the files rendered from its application's templates, rank by rank, as the agents wrote them.
/// </summary>
internal static class JobShowCommand
{
    public static Command Create(CliEnvironment env)
    {
        var id = new Argument<string>("ID") { Description = "The job's id" };
        var files = new Option<bool>("--files") { Description = "Print the files rendered from the application's templates (config files, scripts) instead" };
        var rank = new Option<int?>("--rank") { Description = "With --files: only this rank's files (default: every rank)", HelpName = "N" };
        var output = OutputFormat.CreateOption();
        var connection = new ServerConnection();
        var command = new Command("show", "Show a job: specification, status and history") { id, files, rank, output };
        connection.AddTo(command);
        CommandAction.SetWithClient(command, env, connection, async (client, parseResult, cancellationToken) =>
        {
            if (parseResult.GetValue(rank) is < 0)
            {
                throw new UsageException("--rank: ranks are numbered from 0");
            }

            if (parseResult.GetValue(rank) is not null && !parseResult.GetValue(files))
            {
                throw new UsageException("--rank: only with --files");
            }

            var job = await client.RetrieveJobAsync(parseResult.GetValue(id)!, cancellationToken).ConfigureAwait(false);
            if (parseResult.GetValue(files))
            {
                // The ranks the job has now; before placement, as many as it asks for (their files are empty then).
                var count = job.Status.Ranks?.Count ?? job.Status.Replicas ?? job.Specification.Replicas;
                IEnumerable<int> ranks = parseResult.GetValue(rank) is { } only ? [only] : Enumerable.Range(0, Math.Max(count, 1));
                var rendered = new List<RenderedFiles>();
                foreach (var r in ranks)
                {
                    rendered.Add(await client.GetRenderedFilesAsync(job.Id, r, cancellationToken).ConfigureAwait(false));
                }

                if (OutputFormat.IsJson(parseResult, output))
                {
                    await JsonOutput.WriteAsync(env.Out, rendered.Select(f => new { f.JobId, f.Rank, f.Files })).ConfigureAwait(false);
                }
                else
                {
                    await RenderedFilesText.WriteAsync(env.Out, rendered).ConfigureAwait(false);
                }
            }
            else if (OutputFormat.IsJson(parseResult, output))
            {
                await JsonOutput.WriteAsync(env.Out, job).ConfigureAwait(false);
            }
            else
            {
                await JobDescription.WriteAsync(env.Out, job).ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
