using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Wharf.Domain.Groups;
using Wharf.Server.Groups.Manifests;

namespace Wharf.Server.Doors.Icos;

/// <summary>
/// The targets each component of an ICOS group was given in its descriptor, read once per group generation: jobs
/// keep only their manifests, and agents (the Nuvla one) pick work by target cluster.
/// </summary>
internal static class DescriptorCache
{
    // Bounded: a group's entry is only a few targets, but groups come and go.
    private const int MaxEntries = 1000;
    private static readonly ConcurrentDictionary<(string Id, long Generation), GroupManifest?> Parsed = new();

    /// <summary>The targets of <paramref name="component"/> as wire JSON (a list), empty when none.</summary>
    public static JsonArray TargetsOf(JobGroup? group, string? component)
    {
        var result = new JsonArray();
        if (group is null || component is null)
        {
            return result;
        }

        if (Parsed.Count > MaxEntries)
        {
            Parsed.Clear();
        }

        var manifest = Parsed.GetOrAdd((group.Id, group.Generation), _ =>
        {
            try
            {
                return group.Kind == GroupKinds.Icos ? IcosDescriptor.Parse(group.Manifest) : null;
            }
            catch (ManifestException)
            {
                return null;
            }
        });
        foreach (var target in manifest?.Components.FirstOrDefault(c => c.Name == component)?.Targets ?? [])
        {
            result.Add(new JsonObject
            {
                ["cluster_name"] = target.ClusterName ?? "",
                ["node_name"] = target.NodeName ?? "",
                ["orchestrator"] = target.Orchestrator ?? "",
            });
        }

        return result;
    }
}
