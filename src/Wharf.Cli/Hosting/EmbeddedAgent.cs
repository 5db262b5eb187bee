using Microsoft.Extensions.Logging;
using Wharf.Agent;
using Wharf.Client;
using Wharf.Drivers.Process;
using Wharf.Server;

namespace Wharf.Cli.Hosting;

/// <summary>
/// The local agent of <c>wharf up</c>: an <see cref="AgentHost"/> with the process driver, in the same process as the
/// server and talking to it through the server's in-memory handler: the same requests, through the same pipeline, as
/// any other agent's, without the network. Its token is issued through the admin API on the first
/// start and kept in <c>{data}/agent.token</c> (mode 0600) for the next ones; its state is in <c>{data}/agent</c>.
/// </summary>
internal static class EmbeddedAgent
{
    public const string TokenFileName = "agent.token";
    public const string StateFolderName = "agent";
    private const string AgentUser = "local-agent";

    /// <summary>Starts the agent against <paramref name="host"/>; throws <see cref="InvalidOperationException"/> when no token can be had.</summary>
    public static async Task<AgentHost> StartAsync(
        WharfServerHost host, string dataDirectory, bool keepTasks, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var tokenPath = Path.Combine(dataDirectory, TokenFileName);
        var stored = SecretFile.Read(tokenPath);
        var token = stored ?? await IssueAsync(host, tokenPath, cancellationToken).ConfigureAwait(false);
        try
        {
            return await AgentHost.StartAsync(Options(host, dataDirectory, token, keepTasks, loggerFactory), cancellationToken).ConfigureAwait(false);
        }
        catch (WharfApiException e) when (stored is not null && e.Code == "unauthorized")
        {
            // The kept token was revoked or belongs to another database (the data folder's wharf.db was replaced):
            // issue a fresh one rather than make the operator find and delete the file.
            token = await IssueAsync(host, tokenPath, cancellationToken).ConfigureAwait(false);
            return await AgentHost.StartAsync(Options(host, dataDirectory, token, keepTasks, loggerFactory), cancellationToken).ConfigureAwait(false);
        }
    }

    private static AgentOptions Options(WharfServerHost host, string dataDirectory, string token, bool keepTasks, ILoggerFactory loggerFactory) => new()
    {
        ServerUrl = host.BaseAddress,
        ServerHandler = host.CreateInProcessHandler(),
        AgentToken = token,
        StateDirectory = Path.Combine(dataDirectory, StateFolderName),
        DataDirectory = dataDirectory,
        Drivers = [new ProcessDriver(new ProcessDriverOptions { Scope = ProcessDriverOptions.ScopeFor(Path.Combine(dataDirectory, StateFolderName)) })],
        StopTasksOnExit = !keepTasks,
        LoggerFactory = loggerFactory,
    };

    private static async Task<string> IssueAsync(WharfServerHost host, string tokenPath, CancellationToken cancellationToken)
    {
        var admin = host.NewAdminToken ?? SecretFile.Read(host.AdminTokenPath)
            ?? throw new InvalidOperationException(
                $"the local agent needs a token and {host.AdminTokenPath} (the admin token that issues it) is missing; " +
                $"put an agent token in {tokenPath}, or run with --no-agent");
        using var client = new WharfClient(host.BaseAddress, admin);
        var issued = await client.CreateTokenAsync(
            new TokenRequest("agent", AgentUser, Name: "wharf up: the local agent"), cancellationToken).ConfigureAwait(false);
        SecretFile.Write(tokenPath, issued.Token);
        return issued.Token;
    }
}
