using System.Security.Cryptography;
using Wharf.Domain.Agents;
using Wharf.Domain.Jobs;
using Wharf.Domain.Serialization;
using Wharf.Domain.Validation;
using Wharf.Storage;

namespace Wharf.Server.Execution;

/// <summary>
/// Agents' registrations and leases. A registration records the agent and its nodes and reconciles the tasks it
/// took back after a restart; a heartbeat renews its lease (in memory and in the store, where another server taking
/// over the scheduler finds it). Lapsed leases are ended by <see cref="LeaseWatchdog"/>.
/// </summary>
internal sealed class AgentLeases(ExecutionIndex index, IWharfStore store, ChangeRelay relay, ExecutionOptions options, TimeProvider time)
{
    public const int MaxNodes = 1000;

    /// <summary>Set on every registration, so the watchdog looks at the new lease.</summary>
    public WakeSignal Registered { get; } = new();

    /// <summary>Why an agent request was refused.</summary>
    public enum Refusal
    {
        /// <summary>The agent is not known, or its lease lapsed: it must register again.</summary>
        UnknownAgent,

        /// <summary>The agent belongs to another token's principal.</summary>
        Forbidden,
    }

    /// <summary>Checks a registration request; every problem at once.</summary>
    public static List<ValidationError> Validate(RegisterAgentRequest? request)
    {
        var errors = new List<ValidationError>();
        if (request is null)
        {
            errors.Add(new("$", "required", "a registration {agentId?, nodes:[…], running?} is required"));
            return errors;
        }

        if (request.AgentId is { } id && !IsId(id))
        {
            errors.Add(new("agentId", "invalid_value", "agentId is 1–64 letters, digits, '-' and '_'"));
        }

        if (request.Nodes is not { Count: >= 1 and <= MaxNodes } nodes)
        {
            errors.Add(new("nodes", request.Nodes is null ? "required" : "out_of_range", $"an agent registers 1 to {MaxNodes} nodes"));
            return errors;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < nodes.Count; i++)
        {
            errors.AddRange(ValidateNode(nodes[i], $"nodes[{i}]"));
            if (nodes[i]?.Name is { } name && !names.Add(name))
            {
                errors.Add(new($"nodes[{i}].name", "duplicate", $"node '{name}' is listed twice"));
            }
        }

        return errors;
    }

    /// <summary>Checks one node's declaration (also for nodes operators declare).</summary>
    public static IEnumerable<ValidationError> ValidateNode(NodeRegistration? node, string field)
    {
        if (node is null)
        {
            yield return new(field, "required", "a node may not be null");
            yield break;
        }

        if (string.IsNullOrWhiteSpace(node.Name) || node.Name.Length > 253 || node.Name.Any(char.IsControl))
        {
            yield return new($"{field}.name", "invalid_value", "a node's name is 1–253 printable characters");
        }

        if (node.Capacity is not { } capacity)
        {
            yield return new($"{field}.capacity", "required", "capacity {cpu, memoryInGigs, gpu?, diskInGigs?} is required");
        }
        else if (!IsAmount(capacity.Cpu) || !IsAmount(capacity.MemoryInGigs) || !IsAmount(capacity.DiskInGigs) || capacity.Gpu < 0)
        {
            yield return new($"{field}.capacity", "out_of_range", "capacity amounts are finite, at least 0 and at most 10^9");
        }
    }

    /// <summary>Records a registration and answers it: ids, heartbeat interval, lease, and the reclaimed tasks the server no longer wants.</summary>
    public async Task<(RegisterAgentResponse? Response, Refusal? Refusal)> RegisterAsync(
        string principal, RegisterAgentRequest request, CancellationToken cancellationToken)
    {
        var agentId = request.AgentId ?? NewId("agent-");
        var existing = index.FindAgent(agentId) ?? await store.Agents.GetAgentAsync(agentId, cancellationToken);
        if (existing is not null && existing.Principal != principal)
        {
            return (null, Refusal.Forbidden);
        }

        var now = WharfJson.ToMilliseconds(time.GetUtcNow());
        var known = (await store.Agents.ListNodesAsync(cancellationToken)).Where(n => n.AgentId == agentId).ToDictionary(n => n.Name, StringComparer.Ordinal);
        var nodes = request.Nodes.Select(n => new NodeRecord(
            known.TryGetValue(n.Name, out var previous) ? previous.Id : NewId("node-"), agentId, n, NodeState.Ready, Declared: false, now)).ToList();
        var agent = new AgentRecord(agentId, request.Nodes[0].Name, principal, AgentState.Active, now, now, now + options.LeaseTimeout);
        await store.Agents.RegisterAsync(agent, nodes, cancellationToken);
        index.Register(agent, nodes);
        relay.AgentChanged(agentId);
        Registered.Set();

        var lost = await ReconcileAsync(agentId, request.Running, now, cancellationToken);
        return (new RegisterAgentResponse(
            agentId,
            [.. nodes.Select(n => n.Id)],
            (long)options.EffectiveHeartbeatInterval.TotalMilliseconds,
            (long)options.LeaseTimeout.TotalMilliseconds,
            lost), null);
    }

    /// <summary>Renews the lease of an active agent.</summary>
    public async Task<Refusal?> HeartbeatAsync(string principal, string agentId, CancellationToken cancellationToken)
    {
        if (await CheckAsync(principal, agentId, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        var now = WharfJson.ToMilliseconds(time.GetUtcNow());
        var expires = now + options.LeaseTimeout;
        if (!await store.Agents.RenewLeaseAsync(agentId, now, expires, cancellationToken))
        {
            return Refusal.UnknownAgent; // lost meanwhile (another server ended its lease)
        }

        return index.Renew(agentId, now, expires) ? null : Refusal.UnknownAgent;
    }

    /// <summary>Null when <paramref name="principal"/> may act as the active agent <paramref name="agentId"/>.</summary>
    public async Task<Refusal?> CheckAsync(string principal, string agentId, CancellationToken cancellationToken)
    {
        var agent = index.FindAgent(agentId);
        if (agent is null)
        {
            // Registered through another server sharing the database: take it (and its nodes) in.
            agent = await store.Agents.GetAgentAsync(agentId, cancellationToken);
            if (agent is { State: AgentState.Active })
            {
                index.PutAgent(agent);
                foreach (var node in (await store.Agents.ListNodesAsync(cancellationToken)).Where(n => n.AgentId == agentId))
                {
                    index.PutNode(node);
                }
            }
        }

        return agent is null || agent.State != AgentState.Active ? Refusal.UnknownAgent
            : agent.Principal != principal ? Refusal.Forbidden
            : null;
    }

    /// <summary>
    /// Which of the tasks a restarted agent took back the server no longer wants. A rank is wanted when its job still
    /// places it on one of the agent's nodes and it has not ended (a job that is stopping wants it too: its stop follows).
    /// Ranks the server thought ran there and the agent does not list are gone: they are reported lost.
    /// </summary>
    private async Task<List<TaskRef>> ReconcileAsync(string agentId, IReadOnlyList<TaskRef>? running, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var lost = new List<TaskRef>();
        if (running is null)
        {
            return lost;
        }

        var listed = running.Where(t => t is not null).ToHashSet();
        foreach (var task in listed)
        {
            var job = index.FindPlaced(task.JobId) ?? await store.Jobs.GetJobAsync(task.JobId, cancellationToken);
            var wanted = job is not null && index.Holds(agentId, job, task.Rank) && job.Status.Ranks![task.Rank].State != RankState.Exited;
            if (!wanted)
            {
                lost.Add(task);
            }
        }

        // Running ranks on its nodes that it did not take back ended while it was away.
        foreach (var job in index.JobsOn(agentId))
        {
            foreach (var rank in job.Status.Ranks ?? [])
            {
                if (rank.State == RankState.Running && index.Holds(agentId, job, rank.Rank) && !listed.Contains(new TaskRef(job.Id, rank.Rank)))
                {
                    await EndAsync(job.Id, new TaskEvent
                    {
                        JobId = job.Id, Rank = rank.Rank, Kind = TaskEventKind.Lost, Timestamp = now,
                        Message = "its agent restarted and no longer runs it",
                    }, cancellationToken);
                }
            }
        }

        return lost;
    }

    private async Task EndAsync(string jobId, TaskEvent report, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var job = await store.Jobs.GetJobAsync(jobId, cancellationToken);
            if (job is null)
            {
                return;
            }

            var changes = RankReports.Decide(job, report, report.Timestamp);
            if (changes.Count == 0 || await store.Jobs.TrySaveAllAsync(changes, cancellationToken))
            {
                return;
            }
        }
    }

    private static bool IsAmount(double value) => double.IsFinite(value) && value >= 0 && value <= 1e9;

    private static bool IsId(string id) =>
        id.Length is >= 1 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static string NewId(string prefix) => prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
}
