using System.Text.Json;

namespace Wharf.Templates;

/// <summary>
/// What a template sees of one rank: the job (id, name, rank, replica count), the rank's address and ports, each peer's
/// address and ports, and the application's properties with their values.
/// </summary>
public sealed record TemplateContext
{
    /// <summary>The job's id.</summary>
    public required string JobId { get; init; }

    /// <summary>The job's name; empty when it has none.</summary>
    public string JobName { get; init; } = "";

    /// <summary>This rank, 0-based.</summary>
    public int Rank { get; init; }

    /// <summary>How many ranks the job has.</summary>
    public int Replicas { get; init; } = 1;

    /// <summary>The rank's address (inside its network, or the host's).</summary>
    public string Address { get; init; } = "127.0.0.1";

    /// <summary>The rank's ports by name.</summary>
    public IReadOnlyDictionary<string, int> Ports { get; init; } = new Dictionary<string, int>();

    /// <summary>The job's peers by the hostname it uses for them.</summary>
    public IReadOnlyDictionary<string, TemplatePeer> Peers { get; init; } = new Dictionary<string, TemplatePeer>();

    /// <summary>Every property with its value (the job's, else the default); JSON null means unset.</summary>
    public IReadOnlyDictionary<string, JsonElement> Properties { get; init; } = new Dictionary<string, JsonElement>();
}

/// <summary>A peer as templates see it.</summary>
/// <param name="JobId">The peer job.</param>
/// <param name="Address">Where it is reached (its hostname where the driver isolates jobs).</param>
/// <param name="Ports">Its ports by name.</param>
public sealed record TemplatePeer(string JobId, string Address, IReadOnlyDictionary<string, int> Ports);
