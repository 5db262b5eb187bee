using System.CommandLine;
using System.Text.Json;
using Wharf.Cli.Output;
using Wharf.Client;

namespace Wharf.Cli;

/// <summary>
/// Sets a command's action so that every failure ends the same way: <c>error: …</c> on the error writer and a
/// non-zero exit code (<see cref="ExitCodes.Failure"/> for the server's refusals, <see cref="ExitCodes.Usage"/> for
/// usage errors), never a stack trace.
/// </summary>
internal static class CommandAction
{
    /// <summary>Sets an action that needs no server.</summary>
    public static void Set(Command command, CliEnvironment env, Func<ParseResult, CancellationToken, Task<int>> action)
    {
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            try
            {
                return await action(parseResult, cancellationToken).ConfigureAwait(false);
            }
            catch (UsageException e)
            {
                await env.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
                return ExitCodes.Usage;
            }
            catch (WharfApiException e)
            {
                await ProblemOutput.WriteAsync(env.Error, e).ConfigureAwait(false);
                return ExitCodes.Failure;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await env.Error.WriteLineAsync("interrupted").ConfigureAwait(false);
                return ExitCodes.Interrupted;
            }
        });
    }

    /// <summary>Sets an action that talks to a server through a <see cref="WharfClient"/> made from <paramref name="connection"/>'s options.</summary>
    public static void SetWithClient(
        Command command, CliEnvironment env, ServerConnection connection,
        Func<WharfClient, ParseResult, CancellationToken, Task<int>> action)
    {
        Set(command, env, async (parseResult, cancellationToken) =>
        {
            var target = connection.Resolve(parseResult, env);
            using var client = new WharfClient(target.Server, target.Token);
            try
            {
                return await action(client, parseResult, cancellationToken).ConfigureAwait(false);
            }
            catch (WharfApiException e) when (e.Code == "unauthorized" && target.Token is null)
            {
                await ProblemOutput.WriteAsync(env.Error, e).ConfigureAwait(false);
                await env.Error.WriteLineAsync(
                    $"hint: no token found: pass --token, set {ServerConnection.TokenVariable}, or run where {ServerConnection.AdminTokenFile} is")
                    .ConfigureAwait(false);
                return ExitCodes.Failure;
            }
            catch (HttpRequestException e)
            {
                await env.Error.WriteLineAsync($"error: cannot reach the server at {target.Server}: {e.Message}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
            catch (Exception e) when (e is JsonException or InvalidDataException)
            {
                await env.Error.WriteLineAsync($"error: unexpected answer from {target.Server}: {e.Message}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
        });
    }
}
