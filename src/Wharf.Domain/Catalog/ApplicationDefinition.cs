using System.Text.Json;

namespace Wharf.Domain.Catalog;

/// <summary>
/// A versioned, reusable definition of what to run: its command, typed parameters, ports and environment.
/// Loaded from YAML files and registered through the API; the format is described in <c>docs/applications.md</c>.
/// </summary>
public sealed record ApplicationDefinition
{
    /// <summary>The application's name (<c>acme-database</c>).</summary>
    public string Name { get; init; } = "";

    /// <summary>The version (<c>1.0.0</c>); name and version together identify the application.</summary>
    public string Version { get; init; } = "";

    /// <summary>A short title for people.</summary>
    public string? Title { get; init; }

    /// <summary>What the application does.</summary>
    public string? Description { get; init; }

    /// <summary>
    /// The command and its arguments, run without a shell; <c>$(NAME)</c> in an argument is replaced by the rank's
    /// environment variable <c>NAME</c> (ports, parameters, files, peers), as Kubernetes expands a command.
    /// </summary>
    public IReadOnlyList<string> Command { get; init; } = [];

    /// <summary>The parameters a job may or must set.</summary>
    public IReadOnlyList<ApplicationParameter> Parameters { get; init; } = [];

    /// <summary>Ports the application listens on, by name; the driver allocates real ports at start.</summary>
    public IReadOnlyList<ApplicationPort> Ports { get; init; } = [];

    /// <summary>Environment variables for every rank.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The largest replica count a job of this application may ask for.</summary>
    public int MaxReplicas { get; init; } = 1000;

    /// <summary>The queue jobs of this application wait in when they name none.</summary>
    public string? Queue { get; init; }

    /// <summary>
    /// The folder the definition's file was loaded from, recorded by the catalog loader; jobs see it as
    /// <c>WHARF_APP_DIR</c>, so a command can name files beside its definition. Null for definitions sent through the API.
    /// </summary>
    public string? BaseDirectory { get; init; }

    /// <summary>Typed settings a job gives the application (BOSH's job properties); templates read them.</summary>
    public IReadOnlyList<ApplicationProperty> Properties { get; init; } = [];

    /// <summary>Files rendered into each rank's working folder before it starts (see <c>docs/lifecycle.md</c>).</summary>
    public IReadOnlyList<ApplicationTemplate> Templates { get; init; } = [];

    /// <summary>
    /// Seconds each lifecycle hook may run (<c>pre-start</c>, <c>post-start</c>, <c>pre-stop</c>, <c>drain</c>,
    /// <c>post-stop</c>) before it is killed; 60 for a hook not named. A hook is the template rendered to <c>bin/&lt;hook&gt;</c>.
    /// </summary>
    public IReadOnlyDictionary<string, int> HookTimeouts { get; init; } = new Dictionary<string, int>();

    /// <summary>How the agent watches each rank and when it restarts it (none: the process is all there is).</summary>
    public ApplicationHealthCheck? HealthCheck { get; init; }

    /// <summary>Packages the application depends on, recorded as a BOSH job names them.</summary>
    public IReadOnlyList<string> Packages { get; init; } = [];

    /// <summary>A parameter by name, or null.</summary>
    public ApplicationParameter? FindParameter(string name) =>
        Parameters.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.Ordinal));
}

/// <summary>A typed parameter of an application.</summary>
public sealed record ApplicationParameter
{
    /// <summary>The name jobs use in <c>parameters</c>.</summary>
    public string Name { get; init; } = "";

    /// <summary>The type, one of <see cref="Jobs.ParameterTypes.Declarable"/>.</summary>
    public string Type { get; init; } = "";

    /// <summary>A short title for people.</summary>
    public string? Title { get; init; }

    /// <summary>What the parameter means.</summary>
    public string? Description { get; init; }

    /// <summary>When false (the default), a job must set the parameter unless it has a default.</summary>
    public bool Optional { get; init; }

    /// <summary>The value used when a job sets none.</summary>
    public JsonElement? DefaultValue { get; init; }

    /// <summary>For <c>enumeration</c>: the allowed values.</summary>
    public IReadOnlyList<string> Options { get; init; } = [];

    /// <summary>For numbers: the smallest allowed value.</summary>
    public double? Min { get; init; }

    /// <summary>For numbers: the largest allowed value.</summary>
    public double? Max { get; init; }
}

/// <summary>A port an application listens on.</summary>
/// <param name="Name">The name by which the job, its peers and its clients refer to it.</param>
/// <param name="Protocol"><c>tcp</c> (the default) or <c>udp</c>.</param>
public sealed record ApplicationPort(string Name, string? Protocol = null);
