using Microsoft.Extensions.Logging;
using Wharf.Agent;
using Wharf.Cli.Output;
using Wharf.Server;

namespace Wharf.Cli.Hosting;

/// <summary>
/// Runs a <see cref="WharfServerHost"/> in the foreground for <c>wharf up</c> and <c>wharf server</c>, with the local
/// agent when the settings ask for one: starts the server, then the agent, says where it listens and where the admin
/// token is, and when the command is cancelled (Ctrl-C, SIGTERM) or the host shuts down by itself stops the agent
/// first (so its last reports still reach the server), then the server.
/// </summary>
internal static class HostRunner
{
    public static async Task<int> RunAsync(HostSettings settings, CliEnvironment env, CancellationToken cancellationToken)
    {
        var options = new WharfServerOptions
        {
            DataDirectory = settings.DataDirectory,
            Urls = settings.Urls,
            PostgresConnectionString = settings.PostgresConnectionString,
            CatalogDirectories = settings.CatalogDirectories,
            Oidc = settings.Oidc,
            Execution = settings.Execution ?? new ExecutionOptions(),
        };

        WharfServerHost host;
        try
        {
            host = await WharfServerHost.StartAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever stopped the start (port taken, database unreachable, a bad catalog file) is the operator's to fix.
            await env.Error.WriteLineAsync($"error: the server did not start: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        await using (host.ConfigureAwait(false))
        {
            using var loggerFactory = TextWriterLoggerProvider.CreateFactory(env.Error, LogLevel.Information);
            AgentHost? agent = null;
            if (settings.LocalAgent is { } local)
            {
                try
                {
                    agent = await EmbeddedAgent.StartAsync(host, settings.DataDirectory, local.KeepTasks, loggerFactory, cancellationToken)
                        .ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    await env.Error.WriteLineAsync($"error: the local agent did not start: {e.Message}").ConfigureAwait(false);
                    return ExitCodes.Failure;
                }
            }

            await DescribeAsync(host, settings, agent, env.Out).ConfigureAwait(false);
            // Ctrl-C or SIGTERM (the cancellation) is the normal way to stop. It is not handed to WaitForShutdownAsync,
            // which would stop the server at once: the agent must stop first, while it can still report to the server.
            var cancelled = new TaskCompletionSource();
            await using (cancellationToken.Register(() => cancelled.TrySetResult()).ConfigureAwait(false))
            {
                await Task.WhenAny(host.WaitForShutdownAsync(CancellationToken.None), cancelled.Task).ConfigureAwait(false);
            }

            await env.Out.WriteLineAsync("Stopping…").ConfigureAwait(false);
            if (agent is not null)
            {
                await agent.DisposeAsync().ConfigureAwait(false);
            }
        }

        await env.Out.WriteLineAsync("Stopped.").ConfigureAwait(false);
        return ExitCodes.Success;
    }

    private static async Task DescribeAsync(WharfServerHost host, HostSettings settings, AgentHost? agent, TextWriter output)
    {
        var store = settings.PostgresConnectionString is null
            ? "SQLite"
            : "PostgreSQL";
        await output.WriteLineAsync($"Wharf is listening on {host.BaseAddress}").ConfigureAwait(false);
        await output.WriteLineAsync($"  data:    {settings.DataDirectory} ({store})").ConfigureAwait(false);
        await output.WriteLineAsync(settings.CatalogDirectories.Count == 0
            ? "  catalog: none loaded from files"
            : $"  catalog: {string.Join(", ", settings.CatalogDirectories)}").ConfigureAwait(false);
        if (agent is not null)
        {
            var onExit = settings.LocalAgent?.KeepTasks == true ? "jobs keep running when Wharf stops" : "jobs are stopped when Wharf stops";
            await output.WriteLineAsync($"  agent:   {agent.AgentId}, process driver, node {string.Join(", ", agent.NodeIds)} ({onExit})")
                .ConfigureAwait(false);
        }
        else
        {
            await output.WriteLineAsync("  agent:   none here (jobs wait until one joins: wharf agent --server URL --token T)").ConfigureAwait(false);
        }

        if (host.NewAdminToken is { } secret)
        {
            await output.WriteLineAsync($"  admin token: {secret}").ConfigureAwait(false);
            await output.WriteLineAsync($"  (written to {host.AdminTokenPath}; it is shown only on this first start)").ConfigureAwait(false);
        }
        else
        {
            await output.WriteLineAsync($"  admin token: in {host.AdminTokenPath}").ConfigureAwait(false);
        }

        await output.WriteLineAsync("Press Ctrl-C to stop.").ConfigureAwait(false);
        await output.FlushAsync().ConfigureAwait(false);
    }
}
