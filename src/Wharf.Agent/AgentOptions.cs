using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Wharf.Agent.Drivers;
using Wharf.Domain.Agents;

namespace Wharf.Agent;

/// <summary>Settings of one agent: the server it reports to, where it keeps its state and its jobs' files, what it runs.</summary>
public sealed record AgentOptions
{
    /// <summary>The server's base address (<c>http://127.0.0.1:8080/</c>).</summary>
    public required Uri ServerUrl { get; init; }

    /// <summary>
    /// How requests reach the server, where not over the network: an agent in the server's own process (the local
    /// agent of <c>wharf up</c>) passes the server's in-memory handler. The agent disposes it when it stops.
    /// </summary>
    public HttpMessageHandler? ServerHandler { get; init; }

    /// <summary>An agent token issued by the server (<c>POST /api/tokens</c> with role <c>agent</c>).</summary>
    public required string AgentToken { get; init; }

    /// <summary>
    /// The agent's own folder: its id (<c>agent-id</c>) and one file per task it runs (<c>tasks/</c>), so that a
    /// restarted agent keeps its id and takes its tasks back. Created when missing; one agent per folder.
    /// </summary>
    public required string StateDirectory { get; init; }

    /// <summary>
    /// The jobs' folder: the file store (<c>{data}/files/&lt;project&gt;/…</c>) and a working and a log folder per job and
    /// rank (<c>{data}/jobs/&lt;jobId&gt;/&lt;rank&gt;/work|logs</c>). Created when missing.
    /// </summary>
    public required string DataDirectory { get; init; }

    /// <summary>The drivers the agent runs tasks with, one per <see cref="IDriver.Kind"/>. The agent owns them from <see cref="AgentHost.StartAsync"/> on and disposes them when it stops (tasks keep running).</summary>
    public required IReadOnlyList<IDriver> Drivers { get; init; }

    /// <summary>
    /// The nodes the agent declares. Null: one node named after the host, with its processor count, its memory
    /// (<c>/proc/meminfo</c>) and the size of the data folder's disk, labels <c>arch</c>, <c>os</c> and <c>node</c>,
    /// and the kinds of <see cref="Drivers"/>.
    /// </summary>
    public IReadOnlyList<NodeRegistration>? Nodes { get; init; }

    /// <summary>How often to heartbeat; null follows the interval the server gives at registration.</summary>
    public TimeSpan? HeartbeatInterval { get; init; }

    /// <summary>How long the server may hold a request for work before answering that there is none.</summary>
    public TimeSpan PollWait { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// How long after the last report a report holding only <c>Started</c> events may wait for company: a busy agent
    /// sends the start of one rank with the next event (its exit, another rank's) in one request rather than two. The
    /// server learns of the start, and records it as the job's start time, up to that much later. Every other event goes
    /// at once, and so does a start when the agent has reported nothing for this long (a lone job's start is not held
    /// up) or is stopping. Zero sends every event at once.
    /// </summary>
    public TimeSpan StartedEventLinger { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>How long any other request to the server may take before it is given up and tried again.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait between two tries of a request that failed (the waits grow from 100 ms up to this).</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The wait before a rank with <c>restartOnExit</c> is started again after it exited; it doubles on each quick exit.</summary>
    public TimeSpan RestartDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest wait before a restart. A run that lasted longer than this was not a quick exit: the wait starts again from <see cref="RestartDelay"/>.</summary>
    public TimeSpan MaxRestartDelay { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Stop every task when the agent stops (<c>--stop-tasks-on-exit</c>); by default they keep running and the next start of the agent takes them back.</summary>
    public bool StopTasksOnExit { get; init; }

    /// <summary>The grace between the polite signal and the kill when the agent itself stops a task (on exit, or one the server no longer wants).</summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How many log lines may wait for the server; beyond that the oldest are dropped and counted (the files on disk keep them).</summary>
    public int LogBufferLines { get; init; } = 10_000;

    /// <summary>The clock for delays and event times.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where the agent writes what it does and what goes wrong.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>Every problem with these settings, for people; empty when they can be used.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (ServerUrl is null || !ServerUrl.IsAbsoluteUri)
        {
            problems.Add("the server URL must be an absolute address (http://host:port/)");
        }

        if (string.IsNullOrWhiteSpace(AgentToken))
        {
            problems.Add("an agent token is required");
        }

        if (string.IsNullOrWhiteSpace(StateDirectory) || string.IsNullOrWhiteSpace(DataDirectory))
        {
            problems.Add("the state and data folders are required");
        }

        if (Drivers is null || Drivers.Count == 0)
        {
            problems.Add("at least one driver is required");
        }
        else
        {
            problems.AddRange(Drivers.GroupBy(d => d.Kind, StringComparer.Ordinal).Where(g => g.Count() > 1)
                .Select(g => $"two drivers have the kind '{g.Key}'"));
        }

        if (PollWait <= TimeSpan.Zero || RequestTimeout <= TimeSpan.Zero || MaxRetryDelay <= TimeSpan.Zero)
        {
            problems.Add("the poll wait, request timeout and retry delay must be positive");
        }

        if (StartedEventLinger < TimeSpan.Zero)
        {
            problems.Add("the started-event linger must be zero or positive");
        }

        if (HeartbeatInterval is { } heartbeat && heartbeat <= TimeSpan.Zero)
        {
            problems.Add("the heartbeat interval must be positive");
        }

        if (RestartDelay < TimeSpan.Zero || MaxRestartDelay < RestartDelay)
        {
            problems.Add("the restart delay must be positive and not longer than the longest restart delay");
        }

        if (LogBufferLines < 1)
        {
            problems.Add("the log buffer must hold at least one line");
        }

        return problems;
    }
}
