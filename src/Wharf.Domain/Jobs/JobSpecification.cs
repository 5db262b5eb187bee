namespace Wharf.Domain.Jobs;

/// <summary>
/// What a user asked for: UCloud's <c>JobSpecification</c>, field for field. Immutable once the job is created.
/// </summary>
public sealed record JobSpecification
{
    /// <summary>The application to run, by name and version.</summary>
    public NameAndVersion? Application { get; init; }

    /// <summary>The product (machine type) each rank runs on.</summary>
    public ProductReference? Product { get; init; }

    /// <summary>An optional human name (<c>[\w ():_-]+</c>, at most 200 characters).</summary>
    public string? Name { get; init; }

    /// <summary>The number of ranks; 1 when not given.</summary>
    public int Replicas { get; init; } = 1;

    /// <summary>When false (the default), a job equal to one of the caller's queued or running jobs is refused.</summary>
    public bool AllowDuplicateJob { get; init; }

    /// <summary>Values for the application's parameters, by parameter name.</summary>
    public IReadOnlyDictionary<string, AppParameterValue>? Parameters { get; init; }

    /// <summary>Extra resources: peers (<c>type: peer</c>) and files.</summary>
    public IReadOnlyList<AppParameterValue>? Resources { get; init; }

    /// <summary>How long the job may run; null means no limit.</summary>
    public SimpleDuration? TimeAllocation { get; init; }

    /// <summary>A file the application should open, as UCloud allows; recorded, passed to the job.</summary>
    public string? OpenedFile { get; init; }

    /// <summary>When true, a rank that exits is started again until the time allocation is spent.</summary>
    public bool? RestartOnExit { get; init; }

    /// <summary>Recorded for UCloud compatibility; Wharf's drivers do not offer SSH.</summary>
    public bool? SshEnabled { get; init; }

    /// <summary>Wharf extension: values for the application's properties, by property name (JSON values of the declared types).</summary>
    public IReadOnlyDictionary<string, System.Text.Json.JsonElement>? Properties { get; init; }

    /// <summary>Wharf extension: the queue the job waits in; <c>default</c> when not given.</summary>
    public string? Queue { get; init; }

    /// <summary>
    /// Wharf extension: when set, the job only asks for capacity (an admission-only job). It runs nothing: once every
    /// instance fits, the capacity is held and the job is RUNNING until it is released.
    /// </summary>
    public AdmissionDemand? Admission { get; init; }

    /// <summary>Wharf extension: an absolute http(s) URL that receives a signed POST at every state change of the job.</summary>
    public string? Callback { get; init; }

    /// <summary>Wharf extension: opaque text a door or client keeps with the job and gets back as given.</summary>
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    /// <summary>
    /// Wharf extension: the application carried by the job itself instead of named from the catalog (a compose
    /// service, an ICOS component). <see cref="Application"/> then only names it for people.
    /// </summary>
    public Catalog.ApplicationDefinition? Definition { get; init; }

    /// <summary>Wharf extension: jobs that must reach a condition before this one starts.</summary>
    public IReadOnlyList<JobDependency>? DependsOn { get; init; }

    /// <summary>Wharf extension: the job group the job belongs to; set by Wharf when it creates a group.</summary>
    public GroupMembership? Group { get; init; }

    /// <summary>
    /// Wharf extension: the external orchestrator that executes the job (ICOS <c>ocm</c>, <c>nuvla</c>): its agents
    /// pull the job through their door, and Wharf's scheduler never places it. Null: Wharf's own agents run it.
    /// </summary>
    public string? Orchestrator { get; init; }

    /// <summary>Wharf extension: what each rank needs, when less than its product's whole size.</summary>
    public RankDemand? RankDemand { get; init; }
}

/// <summary>An application reference: name and version.</summary>
public sealed record NameAndVersion(string? Name, string? Version)
{
    /// <inheritdoc />
    public override string ToString() => $"{Name}@{Version}";
}

/// <summary>A product reference, UCloud's <c>{id, category, provider}</c>.</summary>
public sealed record ProductReference(string? Id, string? Category, string? Provider)
{
    /// <inheritdoc />
    public override string ToString() => $"{Provider}/{Category}/{Id}";
}

/// <summary>A duration in UCloud's shape, <c>{hours, minutes, seconds}</c>.</summary>
public sealed record SimpleDuration(long Hours, long Minutes, long Seconds)
{
    /// <summary>The whole duration; throws <see cref="OverflowException"/> for absurd values.</summary>
    public TimeSpan ToTimeSpan() => TimeSpan.FromSeconds(checked((Hours * 3600) + (Minutes * 60) + Seconds));

    /// <summary>The duration as whole seconds, or null when it overflows.</summary>
    public long? TotalSecondsOrNull()
    {
        try
        {
            return checked((Hours * 3600) + (Minutes * 60) + Seconds);
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    /// <summary>Builds the UCloud shape from a time span (whole seconds).</summary>
    public static SimpleDuration From(TimeSpan span)
    {
        var total = (long)span.TotalSeconds;
        return new SimpleDuration(total / 3600, total % 3600 / 60, total % 60);
    }
}
