namespace Wharf.Agent.Drivers;

/// <summary>
/// One rank of one job, as the agent hands it to a driver: everything is already decided and rendered (the command
/// line, the environment, the host folders), so a driver only has to run it.
/// </summary>
public sealed record TaskSpec
{
    /// <summary>The job's id.</summary>
    public required string JobId { get; init; }

    /// <summary>This rank, from 0 to <see cref="Replicas"/> − 1.</summary>
    public int Rank { get; init; }

    /// <summary>How many ranks the job has.</summary>
    public int Replicas { get; init; } = 1;

    /// <summary>The command and its arguments, already rendered; the first is looked up on <c>PATH</c> unless it holds a slash.</summary>
    public required IReadOnlyList<string> Command { get; init; }

    /// <summary>Environment variables of the task; the driver adds the <c>WHARF_*</c> ones (see <see cref="TaskEnvironment"/>).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The host folder the task runs in (created when missing); one per job and rank.</summary>
    public required string WorkingDirectory { get; init; }

    /// <summary>The host folder that receives the task's output (<see cref="TaskLogFiles"/>); one per job and rank.</summary>
    public required string LogDirectory { get; init; }

    /// <summary>Names of the TCP ports the application listens on; the driver allocates a free port for each.</summary>
    public IReadOnlyList<string> Ports { get; init; } = [];

    /// <summary>Other jobs this one may reach, by the hostname it uses for them (<c>database</c>).</summary>
    public IReadOnlyDictionary<string, TaskPeer> Peers { get; init; } = new Dictionary<string, TaskPeer>();

    /// <summary>Files and folders of the file store that the job sees in its working folder.</summary>
    public IReadOnlyList<FileMount> Files { get; init; } = [];

    /// <summary>Whether the job wants its own network where only its peers reach it; drivers that cannot isolate run it on the host network.</summary>
    public bool NetworkIsolation { get; init; } = true;

    /// <summary>Settings for one kind of driver (a container image, a fake run time); a driver ignores keys it does not know.</summary>
    public IReadOnlyDictionary<string, string> DriverConfig { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Called by the driver once the rank's ports, address and environment are settled and before its command runs
    /// (the agent renders the application's templates here); an exception fails the start with its message. Not
    /// persisted: a task taken back after an agent restart keeps the files rendered at its first start.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Func<TaskLaunchContext, CancellationToken, Task>? BeforeLaunch { get; init; }
}
