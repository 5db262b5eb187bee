using System.CommandLine;
using Microsoft.Extensions.Logging;
using Wharf.Agent;
using Wharf.Cli.Hosting;
using Wharf.Cli.Output;
using Wharf.Drivers.Process;

namespace Wharf.Cli.Commands;

/// <summary>
/// <c>wharf agent --server URL --token T</c>: an agent on this host joins a server and runs its jobs with the process
/// driver until Ctrl-C. Any number of agents may join one server, each with its own data folder.
/// </summary>
internal static class AgentCommand
{
    public const string TokenVariable = "WHARF_AGENT_TOKEN";

    public static Command Create(CliEnvironment env)
    {
        var server = new Option<string?>("--server")
        {
            Description = $"The Wharf server [env {ServerConnection.ServerVariable}, default {ServerConnection.DefaultServer}]",
            HelpName = "URL",
        };
        var token = new Option<string?>("--token")
        {
            Description = $"An agent token (wharf token create --role agent) [env {TokenVariable}]",
            HelpName = "TOKEN",
        };
        var data = new Option<string>("--data")
        {
            Description = "The agent's folder: its id and tasks (agent/), the file store (files/) and the jobs' folders (jobs/)",
            DefaultValueFactory = _ => "./agent-data",
            HelpName = "DIR",
        };
        var name = new Option<string?>("--name") { Description = "The node's name (default: the host name)", HelpName = "NODE" };
        var labels = new Option<string[]>("--label")
        {
            Description = "A label of the node, KEY=VALUE; repeat for more (arch, os and node are set already)",
            HelpName = "KEY=VALUE",
        };
        var cpu = new Option<double?>("--cpu") { Description = "Cores the node offers (default: this host's processors)", HelpName = "N" };
        var memory = new Option<double?>("--memory") { Description = "Memory the node offers, in GiB (default: this host's)", HelpName = "GIB" };
        var stopTasks = new Option<bool>("--stop-tasks-on-exit")
        {
            Description = "Stop the jobs' processes when the agent stops (default: leave them; the next start takes them back)",
        };

        var command = new Command("agent", "Run an agent on this host that joins a server and runs its jobs")
        {
            server, token, data, name, labels, cpu, memory, stopTasks,
        };
        CommandAction.Set(command, env, async (parseResult, cancellationToken) =>
        {
            var serverText = parseResult.GetValue(server) ?? env.Variable(ServerConnection.ServerVariable) ?? ServerConnection.DefaultServer;
            if (!Uri.TryCreate(serverText, UriKind.Absolute, out var serverUrl) || (serverUrl.Scheme != Uri.UriSchemeHttp && serverUrl.Scheme != Uri.UriSchemeHttps))
            {
                throw new UsageException($"--server: '{serverText}' is not a server address (expected e.g. {ServerConnection.DefaultServer})");
            }

            var secret = parseResult.GetValue(token) ?? env.Variable(TokenVariable)
                ?? throw new UsageException($"an agent needs a token: --token or {TokenVariable} (issue one with: wharf token create --role agent --user NAME)");
            foreach (var (option, value) in new[] { ("--cpu", parseResult.GetValue(cpu)), ("--memory", parseResult.GetValue(memory)) })
            {
                if (value is <= 0 or double.NaN or double.PositiveInfinity)
                {
                    throw new UsageException($"{option}: must be a positive number");
                }
            }

            var dataDirectory = env.ResolvePath(parseResult.GetValue(data)!);
            var nodeLabels = NodeDescription.ParseLabels(parseResult.GetValue(labels) ?? [], "--label");
            var describesNode = parseResult.GetValue(name) is not null || nodeLabels.Count > 0
                || parseResult.GetValue(cpu) is not null || parseResult.GetValue(memory) is not null;
            using var loggerFactory = TextWriterLoggerProvider.CreateFactory(env.Error, LogLevel.Information);
            var options = new AgentOptions
            {
                ServerUrl = serverUrl,
                AgentToken = secret,
                StateDirectory = Path.Combine(dataDirectory, EmbeddedAgent.StateFolderName),
                DataDirectory = dataDirectory,
                Drivers = [new ProcessDriver(new ProcessDriverOptions { Scope = ProcessDriverOptions.ScopeFor(Path.Combine(dataDirectory, EmbeddedAgent.StateFolderName)) })],
                Nodes = describesNode
                    ? [NodeDescription.Describe(dataDirectory, parseResult.GetValue(name), nodeLabels, parseResult.GetValue(cpu), parseResult.GetValue(memory), [ProcessDriver.DriverKind])]
                    : null,
                StopTasksOnExit = parseResult.GetValue(stopTasks),
                LoggerFactory = loggerFactory,
            };

            await env.Error.WriteLineAsync($"Joining {serverUrl} (data in {dataDirectory}); press Ctrl-C to stop.").ConfigureAwait(false);
            await using var agent = await AgentHost.StartAsync(options, cancellationToken).ConfigureAwait(false);
            await env.Out.WriteLineAsync($"Agent {agent.AgentId} joined {serverUrl} with node {string.Join(", ", agent.NodeIds)}").ConfigureAwait(false);
            await env.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl-C or SIGTERM: the way an agent is asked to stop; disposing it below stops it gracefully.
            }

            await env.Out.WriteLineAsync("Stopping…").ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }
}
