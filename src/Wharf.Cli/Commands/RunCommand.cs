using System.CommandLine;
using Wharf.Cli.Output;
using Wharf.Client;
using Wharf.Domain.Jobs;

namespace Wharf.Cli.Commands;

/// <summary>
/// <c>wharf run APP[@VERSION]</c>: submits one job of an application from the catalog and prints its id. With
/// <c>--wait</c> it follows the job until it ends, writing its state changes to the error writer, and exits
/// 0 for SUCCESS and 1 for FAILURE or EXPIRED.
/// </summary>
internal static class RunCommand
{
    public const string ProjectVariable = "WHARF_PROJECT";
    public const string AdminDefaultProject = "default";

    public static Command Create(CliEnvironment env)
    {
        var app = new Argument<string>("APP") { Description = "The application, NAME or NAME@VERSION (default: its newest version)" };
        var product = new Option<string?>("--product")
        {
            Description = "The machine type each rank runs on: PROVIDER/CATEGORY/ID, or an ID only one product has (default: the only product)",
            HelpName = "PRODUCT",
        };
        var name = new Option<string?>("--name") { Description = "A name for the job", HelpName = "NAME" };
        var parameters = new Option<string[]>("--param")
        {
            Description = "A parameter, NAME=VALUE, typed as the application declares it (a file or directory takes a path in the file store, "
                + "e.g. dataStore=/123/acme-database; a peer takes a job id); repeat for more",
            HelpName = "NAME=VALUE",
        };
        var peers = new Option<string[]>("--peer")
        {
            Description = "Connect to another job under a host name, HOST=JOBID; repeat for more",
            HelpName = "HOST=JOBID",
        };
        var replicas = new Option<int>("--replicas") { Description = "How many ranks", DefaultValueFactory = _ => 1, HelpName = "N" };
        var time = new Option<string?>("--time") { Description = "The time allocation, e.g. 1h, 90m, 1h30m (default: no limit)", HelpName = "DURATION" };
        var queue = new Option<string?>("--queue") { Description = "The queue to wait in (default: the application's, else default)", HelpName = "QUEUE" };
        var project = new Option<string?>("--project")
        {
            Description = $"The project the job belongs to [env {ProjectVariable}]; a user's token acts for its own, an admin's defaults to '{AdminDefaultProject}'",
            HelpName = "PROJECT",
        };
        var restart = new Option<bool>("--restart") { Description = "Start a rank again when it exits, until the time allocation is spent" };
        var allowDuplicate = new Option<bool>("--allow-duplicate") { Description = "Submit even when an equal job of yours waits or runs" };
        var wait = new Option<bool>("--wait")
        {
            Description = "Follow the job until it ends, showing its state changes; exit 0 for SUCCESS, 1 for FAILURE or EXPIRED",
        };
        var output = OutputFormat.CreateOption();
        var connection = new ServerConnection();

        var command = new Command("run", "Submit a job of an application and print its id")
        {
            app, product, name, parameters, peers, replicas, time, queue, project, restart, allowDuplicate, wait, output,
        };
        connection.AddTo(command);
        CommandAction.SetWithClient(command, env, connection, async (client, parseResult, cancellationToken) =>
        {
            var count = parseResult.GetValue(replicas);
            if (count < 1)
            {
                throw new UsageException($"--replicas: must be at least 1, not {count}");
            }

            var allocation = parseResult.GetValue(time) is { } text ? SimpleDuration.From(DurationText.Parse(text, "--time")) : null;
            var (appName, appVersion) = JobRequestBuilder.SplitApplication(parseResult.GetValue(app)!);
            var application = appVersion is null
                ? JobRequestBuilder.Newest(await client.ListApplicationsAsync(cancellationToken).ConfigureAwait(false), appName)
                : await client.RetrieveApplicationAsync(appName, appVersion, cancellationToken).ConfigureAwait(false);
            var productReference = JobRequestBuilder.ResolveProduct(
                await client.ListProductsAsync(cancellationToken).ConfigureAwait(false), parseResult.GetValue(product));
            var values = JobRequestBuilder.Parameters(application, parseResult.GetValue(parameters) ?? []);
            var resources = JobRequestBuilder.Peers(parseResult.GetValue(peers) ?? []);
            var specification = new JobSpecification
            {
                Application = new NameAndVersion(application.Name, application.Version),
                Product = productReference,
                Name = parseResult.GetValue(name),
                Replicas = count,
                Parameters = values.Count == 0 ? null : values,
                Resources = resources.Count == 0 ? null : resources,
                TimeAllocation = allocation,
                RestartOnExit = parseResult.GetValue(restart) ? true : null,
                AllowDuplicateJob = parseResult.GetValue(allowDuplicate),
                Queue = parseResult.GetValue(queue),
            };

            var owner = parseResult.GetValue(project) ?? env.Variable(ProjectVariable) ?? await AdminProjectAsync(client, cancellationToken).ConfigureAwait(false);
            var id = (await client.CreateJobsAsync([specification], idempotencyKey: null, owner, cancellationToken).ConfigureAwait(false)).Single();
            var json = OutputFormat.IsJson(parseResult, output);
            if (!parseResult.GetValue(wait))
            {
                await (json ? JsonOutput.WriteAsync(env.Out, new { id }) : env.Out.WriteLineAsync(id)).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            if (!json)
            {
                // The id first, alone on standard output, so that a script can read it while the job still runs.
                await env.Out.WriteLineAsync(id).ConfigureAwait(false);
                await env.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            var final = await new JobWatch(client, env.Error, TimeProvider.System).UntilFinalAsync(id, cancellationToken).ConfigureAwait(false);
            if (json)
            {
                await JsonOutput.WriteAsync(env.Out, await client.RetrieveJobAsync(id, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
            }

            return final.State == JobState.Success ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }

    /// <summary>
    /// An admin's token acts for no project, and a job must belong to one: without <c>--project</c>, an admin's jobs go
    /// to <see cref="AdminDefaultProject"/>, so that <c>wharf up</c> followed by <c>wharf run</c> works as is. A user's
    /// token needs none (null: the server takes the token's own).
    /// </summary>
    private static async Task<string?> AdminProjectAsync(WharfClient client, CancellationToken cancellationToken)
    {
        var caller = await client.WhoAmIAsync(cancellationToken).ConfigureAwait(false);
        return caller.Role == "admin" && caller.Project is null ? AdminDefaultProject : null;
    }
}
