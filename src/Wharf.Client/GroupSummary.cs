namespace Wharf.Client;

/// <summary>A job group as the native API answers it (<c>/api/groups</c>).</summary>
/// <param name="Id">The group's id: 32 lower-case hex digits.</param>
/// <param name="Name">Its name.</param>
/// <param name="Kind"><c>compose</c> or <c>icos</c>.</param>
/// <param name="Description">What it is, when the manifest says.</param>
/// <param name="Project">The project it belongs to.</param>
/// <param name="State">The aggregate state: STARTING, RUNNING, DEGRADED, STOPPING, STOPPED or COMPLETED.</param>
/// <param name="Wanted">Whether it is wanted running (<c>active</c>), <c>stopped</c> or <c>deleted</c>.</param>
/// <param name="Generation">1 at creation, +1 per update with a new manifest.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="UpdatedAt">When it last changed.</param>
/// <param name="Components">Each component and the job running it, in start order.</param>
public sealed record GroupSummary(
    string Id, string Name, string Kind, string? Description, string Project, string State, string Wanted, long Generation,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, IReadOnlyList<GroupComponentStatus> Components)
{
    /// <summary>On create and update: what the manifest held that Wharf does not act on; null when nothing.</summary>
    public IReadOnlyList<GroupWarning>? Warnings { get; init; }

    /// <summary>The aggregate state while jobs are still waiting to start.</summary>
    public const string Starting = "STARTING";

    /// <summary>The aggregate state when every job runs or ended successfully.</summary>
    public const string Running = "RUNNING";

    /// <summary>The aggregate state when a job failed or expired while the group is wanted running.</summary>
    public const string Degraded = "DEGRADED";

    /// <summary>The aggregate state while a stopped or deleted group's jobs still stop.</summary>
    public const string Stopping = "STOPPING";

    /// <summary>The aggregate state of a stopped or deleted group whose jobs have all ended.</summary>
    public const string Stopped = "STOPPED";

    /// <summary>The aggregate state when every job ended SUCCESS on its own.</summary>
    public const string Completed = "COMPLETED";
}
