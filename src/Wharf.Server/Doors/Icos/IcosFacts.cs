using System.Globalization;
using System.Text.Json;
using Wharf.Domain.Jobs;

namespace Wharf.Server.Doors.Icos;

/// <summary>
/// What the ICOS door keeps about one job, in <see cref="JobStatus.DoorState"/> (a string map saved with the job under
/// compare-and-set): the owning agent, the ICOS type, state and sub-type, targets, namespace, resource, manifests as
/// changed since creation, and the resources after a scale-up/down. A job the door never touched reads as an
/// unowned <c>CreateDeployment</c> / <c>Created</c>. The core state wins where the two disagree: a job terminated
/// through the native API reads as <c>DeleteDeployment</c> (to pull while canceling, <c>Finished</c> once ended).
/// </summary>
internal sealed record IcosFacts
{
    private const string Prefix = "icos.";

    public string? Owner { get; init; }

    public int Type { get; init; } = IcosWire.CreateDeployment;

    public int State { get; init; } = IcosWire.Created;

    public string? SubType { get; init; }

    /// <summary>The targets as JSON (a list of {cluster_name, node_name, orchestrator}); null: the descriptor's.</summary>
    public string? Targets { get; init; }

    public string? Namespace { get; init; }

    public string? ResourceUuid { get; init; }

    public string? ResourceName { get; init; }

    /// <summary>When an agent or the door last changed the job (the 300 s lease is measured from it).</summary>
    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>The manifests when changed since creation (patch, scaling, an update); null: the component's.</summary>
    public IReadOnlyList<string>? Manifests { get; init; }

    /// <summary>CPU cores per replica after a scale-up/down; null: the component's demand.</summary>
    public double? Cpu { get; init; }

    /// <summary>Memory (MiB) per replica after a scale-up/down; null: the component's demand.</summary>
    public long? MemoryMiB { get; init; }

    /// <summary>True once removed through <c>DELETE /jobmanager/jobs/{id}</c>: gone from the door, still a native job.</summary>
    public bool Deleted { get; init; }

    /// <summary>The facts of <paramref name="job"/>, with the core state applied.</summary>
    public static IcosFacts Of(Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var map = job.Status.DoorState ?? new Dictionary<string, string>();
        string? Get(string key) => map.TryGetValue(Prefix + key, out var value) ? value : null;
        var facts = new IcosFacts
        {
            Owner = Get("owner_id"),
            Type = int.TryParse(Get("type"), CultureInfo.InvariantCulture, out var type) ? type : IcosWire.CreateDeployment,
            State = int.TryParse(Get("state"), CultureInfo.InvariantCulture, out var state) ? state : IcosWire.Created,
            SubType = Get("sub_type"),
            Targets = Get("targets"),
            Namespace = Get("namespace"),
            ResourceUuid = Get("resource_uuid"),
            ResourceName = Get("resource_name"),
            UpdatedAt = DateTimeOffset.TryParse(Get("updated_at"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : null,
            Manifests = Get("manifests") is { } manifests ? JsonSerializer.Deserialize<List<string>>(manifests) : null,
            Cpu = double.TryParse(Get("cpu"), NumberStyles.Float, CultureInfo.InvariantCulture, out var cpu) ? cpu : null,
            MemoryMiB = long.TryParse(Get("memory_mib"), CultureInfo.InvariantCulture, out var memory) ? memory : null,
            Deleted = Get("deleted") == "true",
        };
        return job.Status.State switch
        {
            // Terminated natively while an agent runs it: the owner must pull the delete.
            JobState.Canceling when facts.Type != IcosWire.DeleteDeployment => facts with { Type = IcosWire.DeleteDeployment, State = IcosWire.Created },
            JobState.Canceling => facts,
            _ when job.Status.State.IsFinal() => facts with
            {
                Type = facts.Type == IcosWire.DeleteDeployment || job.Status.State == JobState.Success ? IcosWire.DeleteDeployment : facts.Type,
                State = job.Status.State == JobState.Success ? IcosWire.Finished : IcosWire.Degraded,
            },
            _ => facts,
        };
    }

    /// <summary>The job's manifests now: as changed, or the component's (<c>icos.manifest.N</c> annotations).</summary>
    public IReadOnlyList<string> ManifestsOf(Job job) => Manifests ?? [.. (job.Specification.Annotations ?? new Dictionary<string, string>())
        .Where(a => a.Key.StartsWith("icos.manifest.", StringComparison.Ordinal))
        .OrderBy(a => int.TryParse(a.Key["icos.manifest.".Length..], CultureInfo.InvariantCulture, out var i) ? i : int.MaxValue)
        .Select(a => a.Value)];

    /// <summary><paramref name="status"/> with these facts as its door state (other keys kept).</summary>
    public JobStatus WriteTo(JobStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var map = new Dictionary<string, string>(status.DoorState ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        void Set(string key, string? value)
        {
            if (value is null)
            {
                map.Remove(Prefix + key);
            }
            else
            {
                map[Prefix + key] = value;
            }
        }

        Set("owner_id", Owner);
        Set("type", Type.ToString(CultureInfo.InvariantCulture));
        Set("state", State.ToString(CultureInfo.InvariantCulture));
        Set("sub_type", SubType);
        Set("targets", Targets);
        Set("namespace", Namespace);
        Set("resource_uuid", ResourceUuid);
        Set("resource_name", ResourceName);
        Set("updated_at", UpdatedAt is { } at ? IcosWire.Time(at) : null);
        Set("manifests", Manifests is null ? null : JsonSerializer.Serialize(Manifests));
        Set("cpu", Cpu?.ToString("R", CultureInfo.InvariantCulture));
        Set("memory_mib", MemoryMiB?.ToString(CultureInfo.InvariantCulture));
        Set("deleted", Deleted ? "true" : null);
        return status with { DoorState = map };
    }
}
