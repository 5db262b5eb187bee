using Wharf.Domain.Jobs;

namespace Wharf.Domain.Agents;

/// <summary>
/// <c>POST /api/agent/register</c>: an agent announces itself and its nodes, and lists the tasks it still runs
/// (after an agent restart) so the server can reconcile them. Authenticated with an agent token.
/// </summary>
/// <param name="AgentId">The agent's stable id; null on the very first start (the server assigns one).</param>
/// <param name="Nodes">The nodes this agent drives.</param>
/// <param name="Running">Tasks the agent found still alive (reclaimed) after a restart.</param>
public sealed record RegisterAgentRequest(string? AgentId, IReadOnlyList<NodeRegistration> Nodes, IReadOnlyList<TaskRef>? Running = null);

/// <summary>The server's answer to a registration.</summary>
/// <param name="AgentId">The agent's id (keep it for later starts).</param>
/// <param name="NodeIds">The id the server gave each registered node, in request order.</param>
/// <param name="HeartbeatIntervalMs">How often to heartbeat.</param>
/// <param name="LeaseTimeoutMs">After how long without a heartbeat the agent's placements are taken back.</param>
/// <param name="Lost">Tasks the agent reported that the server no longer wants; the agent stops them.</param>
public sealed record RegisterAgentResponse(string AgentId, IReadOnlyList<string> NodeIds, long HeartbeatIntervalMs, long LeaseTimeoutMs, IReadOnlyList<TaskRef>? Lost = null);

/// <summary>One rank of one job.</summary>
public sealed record TaskRef(string JobId, int Rank);

/// <summary>
/// The answer to the long poll <c>GET /api/agent/work?agentId=…&amp;waitMs=…</c>: what to start and what to stop.
/// Work is a lease: an assignment not acknowledged by a <see cref="TaskEventKind.Started"/> or
/// <see cref="TaskEventKind.StartFailed"/> report is sent again on the next poll (at least once), so starting must be
/// idempotent per <see cref="TaskRef"/>.
/// </summary>
public sealed record AgentWork(IReadOnlyList<TaskAssignment> Start, IReadOnlyList<TaskStop> Stop);

/// <summary>Everything an agent needs to start one rank: resolved, so the agent needs no catalog.</summary>
public sealed record TaskAssignment
{
    /// <summary>The job.</summary>
    public required string JobId { get; init; }

    /// <summary>This rank's index, 0-based.</summary>
    public required int Rank { get; init; }

    /// <summary>How many ranks the job has.</summary>
    public required int Replicas { get; init; }

    /// <summary>The node (of this agent) to run on.</summary>
    public required string NodeId { get; init; }

    /// <summary>The driver kind to use (<c>process</c>).</summary>
    public string Driver { get; init; } = "process";

    /// <summary>The command and arguments, parameters already substituted.</summary>
    public required IReadOnlyList<string> Command { get; init; }

    /// <summary>Environment variables, parameters already substituted.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Names of the ports to allocate for this rank.</summary>
    public IReadOnlyList<string> Ports { get; init; } = [];

    /// <summary>The job's peers, by hostname.</summary>
    public IReadOnlyList<PeerEndpoint> Peers { get; init; } = [];

    /// <summary>Files and folders from the file store to give the job.</summary>
    public IReadOnlyList<FileMount> Files { get; init; } = [];

    /// <summary>Restart the rank when it exits (until the job is stopped).</summary>
    public bool RestartOnExit { get; init; }

    /// <summary>The owner, for file-store paths and labelling.</summary>
    public required Owner Owner { get; init; }

    /// <summary>Settings for the driver (an image for containers; run time and exit code for the fake driver).</summary>
    public IReadOnlyDictionary<string, string> DriverConfig { get; init; } = new Dictionary<string, string>();

    /// <summary>The job's name (empty when it has none), for templates.</summary>
    public string? JobName { get; init; }

    /// <summary>Every property of the application with its value: the job's, else the default.</summary>
    public IReadOnlyDictionary<string, System.Text.Json.JsonElement> Properties { get; init; } = new Dictionary<string, System.Text.Json.JsonElement>();

    /// <summary>Seconds each lifecycle hook may run, by hook name (see <see cref="Catalog.ApplicationDefinition.HookTimeouts"/>).</summary>
    public IReadOnlyDictionary<string, int> HookTimeouts { get; init; } = new Dictionary<string, int>();

    /// <summary>How to watch the rank, from the application.</summary>
    public Catalog.ApplicationHealthCheck? HealthCheck { get; init; }

    /// <summary>Files to render into the working folder before the rank starts.</summary>
    public IReadOnlyList<Catalog.ApplicationTemplate> Templates { get; init; } = [];
}

/// <summary>A peer of a job: reached by <see cref="Hostname"/>, running as <see cref="JobId"/>.</summary>
/// <param name="Hostname">The name the job uses for it.</param>
/// <param name="JobId">The peer job.</param>
/// <param name="Address">The peer's rank-0 address as its agent reported it (null when not known yet).</param>
/// <param name="Ports">The peer's ports by name, as inside its own network.</param>
public sealed record PeerEndpoint(string Hostname, string JobId, string? Address, IReadOnlyDictionary<string, int> Ports);

/// <summary>A file or folder from the file store.</summary>
/// <param name="Name">The parameter name it came from.</param>
/// <param name="Path">The path inside the owner's file store (<c>/123/acme-database</c>).</param>
/// <param name="ReadOnly">Mount read-only.</param>
/// <param name="IsDirectory">True for a folder.</param>
public sealed record FileMount(string Name, string Path, bool ReadOnly, bool IsDirectory);

/// <summary>An order to stop a rank (or every rank of a job when <see cref="Rank"/> is null).</summary>
/// <param name="JobId">The job.</param>
/// <param name="Rank">The rank, or null for all.</param>
/// <param name="Reason">Why (terminate, expiry, suspend, failure of another rank).</param>
/// <param name="GraceMs">How long between TERM and KILL.</param>
public sealed record TaskStop(string JobId, int? Rank, string Reason, long GraceMs);

/// <summary><c>POST /api/agent/events</c>: what happened to tasks, in order.</summary>
public sealed record AgentEvents(string AgentId, IReadOnlyList<TaskEvent> Events);

/// <summary>Something that happened to one rank.</summary>
public sealed record TaskEvent
{
    /// <summary>The job.</summary>
    public required string JobId { get; init; }

    /// <summary>The rank.</summary>
    public required int Rank { get; init; }

    /// <summary>What happened.</summary>
    public required TaskEventKind Kind { get; init; }

    /// <summary>When the agent saw it.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>For <see cref="TaskEventKind.Exited"/>: the exit code (128+N for a signal).</summary>
    public int? ExitCode { get; init; }

    /// <summary>For <see cref="TaskEventKind.Started"/>: the rank's address (inside its network namespace, or the host's).</summary>
    public string? Address { get; init; }

    /// <summary>For <see cref="TaskEventKind.Started"/>: the ports as the job sees them, by name.</summary>
    public IReadOnlyDictionary<string, int>? Ports { get; init; }

    /// <summary>For <see cref="TaskEventKind.Started"/>: the ports reachable from the host (forwarded), by name.</summary>
    public IReadOnlyDictionary<string, int>? HostPorts { get; init; }

    /// <summary>A sentence: why it failed, what restarted, a condition's message.</summary>
    public string? Message { get; init; }
}

/// <summary>Kinds of <see cref="TaskEvent"/>.</summary>
public enum TaskEventKind
{
    /// <summary>The rank's process started.</summary>
    Started,

    /// <summary>The rank could not be started (bad command, missing file).</summary>
    StartFailed,

    /// <summary>The rank's process exited.</summary>
    Exited,

    /// <summary>The rank exited and was started again (restartOnExit).</summary>
    Restarted,

    /// <summary>The agent lost track of the rank (after a restart it was gone).</summary>
    Lost,

    /// <summary>The rank's health check passed: its first pass since the rank started, or the first after it was unhealthy.</summary>
    Healthy,

    /// <summary>The rank's health check failed as often as its threshold allows (the message says why); the agent restarts it.</summary>
    Unhealthy,
}

/// <summary><c>POST /api/agent/logs</c>: log lines, in order per rank and stream.</summary>
public sealed record AgentLogs(string AgentId, IReadOnlyList<LogLine> Lines);

/// <summary>One line a rank wrote.</summary>
/// <param name="JobId">The job.</param>
/// <param name="Rank">The rank.</param>
/// <param name="Stream"><c>stdout</c> or <c>stderr</c> (or a hook's name later).</param>
/// <param name="Text">The line, without its newline.</param>
/// <param name="Timestamp">When the agent read it.</param>
public sealed record LogLine(string JobId, int Rank, string Stream, string Text, DateTimeOffset Timestamp);

/// <summary><c>POST /api/agent/heartbeat</c>: the agent is alive; renews the lease on all its placements.</summary>
public sealed record AgentHeartbeat(string AgentId);
