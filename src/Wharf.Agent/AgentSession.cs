using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Wharf.Client;
using Wharf.Domain.Agents;

namespace Wharf.Agent;

/// <summary>
/// The agent as the server knows it: its id, its nodes, the heartbeat interval, and the calls made on its behalf.
/// Every loop calls the server through <see cref="CallAsync{T}"/>, which tries again until the server answers and
/// registers again when the server no longer knows the agent (after a lease ran out, or the server lost its state).
/// </summary>
internal sealed class AgentSession(
    WharfClient client, AgentOptions options, IReadOnlyList<NodeRegistration> nodes, StateFolder state, TaskTable tasks, ILogger log)
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan DefaultHeartbeat = TimeSpan.FromSeconds(5);
    private readonly SemaphoreSlim _registering = new(1, 1);
    private volatile string? _agentId = state.LoadAgentId();
    private volatile RegisterAgentResponse? _registration;

    /// <summary>The agent's id; known once registered.</summary>
    public string AgentId => _agentId ?? throw new InvalidOperationException("the agent has not registered yet");

    /// <summary>The ids the server gave the nodes, in the order they were declared.</summary>
    public IReadOnlyList<string> NodeIds => _registration?.NodeIds ?? [];

    /// <summary>How often to heartbeat: the settings' interval, else the server's.</summary>
    public TimeSpan HeartbeatInterval => options.HeartbeatInterval
        ?? (_registration is { HeartbeatIntervalMs: > 0 } r ? TimeSpan.FromMilliseconds(r.HeartbeatIntervalMs) : DefaultHeartbeat);

    /// <summary>
    /// Registers, listing the tasks the agent runs, and stops those the server answers are lost. Tries again while the
    /// server cannot be reached; at the first start (<paramref name="firstStart"/>) a refusal (a wrong token, a bad
    /// request) is thrown at once, for the person starting the agent to see, and later it is only logged.
    /// </summary>
    public async Task RegisterAsync(bool firstStart, CancellationToken cancellationToken)
    {
        var retry = new RetryDelay(FirstRetryDelay, options.MaxRetryDelay, jitter: true);
        while (true)
        {
            try
            {
                var request = new RegisterAgentRequest(_agentId, nodes, tasks.Running());
                using var attempt = Attempt(options.RequestTimeout, cancellationToken);
                var response = await client.RegisterAgentAsync(request, attempt.Token).ConfigureAwait(false);
                _registration = response;
                if (response.AgentId != _agentId)
                {
                    state.SaveAgentId(response.AgentId);
                    _agentId = response.AgentId;
                }

                log.LogInformation("Registered with {Server} as agent {AgentId} with {Count} running task(s)", client.BaseAddress, response.AgentId, request.Running?.Count ?? 0);
                foreach (var lost in response.Lost ?? [])
                {
                    tasks.Find(lost)?.RequestStop(options.StopGrace, "the server no longer wants it", reportExit: false);
                }

                return;
            }
            catch (WharfApiException e) when (firstStart && IsRefusal(e))
            {
                throw;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && (IsTransient(e) || e is WharfApiException))
            {
                log.LogWarning("Cannot register with {Server}: {Problem}; trying again", client.BaseAddress, e.Message);
                await Task.Delay(retry.Next(), options.TimeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Calls the server as this agent until it answers, waiting longer after each failure, registering again when
    /// the server no longer knows the agent. Throws <see cref="WharfApiException"/> only when the server refuses the
    /// request itself (a 4xx other than an authentication or throttling problem): trying again would not help.
    /// </summary>
    public async Task<T> CallAsync<T>(
        string what, Func<WharfClient, string, CancellationToken, Task<T>> call, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var retry = new RetryDelay(FirstRetryDelay, options.MaxRetryDelay, jitter: true);
        var failures = 0;
        while (true)
        {
            var agentId = AgentId;
            try
            {
                using var attempt = Attempt(timeout, cancellationToken);
                var result = await call(client, agentId, attempt.Token).ConfigureAwait(false);
                if (failures > 0)
                {
                    log.LogInformation("The server answers {What} again after {Failures} failure(s)", what, failures);
                }

                return result;
            }
            catch (WharfApiException e) when (e.Code == WharfClient.UnknownAgentCode)
            {
                log.LogWarning("The server no longer knows agent {AgentId} ({What}); registering again", agentId, what);
                await ReRegisterAsync(agentId, cancellationToken).ConfigureAwait(false);
                if (failures++ > 0)
                {
                    await Task.Delay(retry.Next(), options.TimeProvider, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && IsTransient(e))
            {
                failures++;
                var delay = retry.Next();
                log.LogWarning("{What} failed: {Problem}; trying again in {Delay} ms", what, e.Message, (long)delay.TotalMilliseconds);
                await Task.Delay(delay, options.TimeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Registers again unless another loop already did since <paramref name="staleAgentId"/> was refused.</summary>
    private async Task ReRegisterAsync(string staleAgentId, CancellationToken cancellationToken)
    {
        await _registering.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_agentId == staleAgentId || _agentId is null)
            {
                await RegisterAsync(firstStart: false, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _registering.Release();
        }
    }

    private static CancellationTokenSource Attempt(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(timeout);
        return attempt;
    }

    /// <summary>The server refused the agent or its request; at the first start, no use trying again.</summary>
    private static bool IsRefusal(WharfApiException e) => (int)e.Status is >= 400 and < 500
        && e.Status is not (HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests);

    /// <summary>
    /// Worth trying again: the server could not be reached, did not answer in time, failed, or refused the token
    /// (which an operator may set right while the agent keeps its tasks running).
    /// </summary>
    private static bool IsTransient(Exception e) => e switch
    {
        WharfApiException api => (int)api.Status >= 500 || api.Status is HttpStatusCode.RequestTimeout
            or HttpStatusCode.TooManyRequests or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden,
        HttpRequestException or OperationCanceledException or IOException or JsonException or InvalidDataException => true,
        _ => false,
    };
}
