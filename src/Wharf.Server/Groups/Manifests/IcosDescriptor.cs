using System.Text.Json;
using System.Text.Json.Nodes;

namespace Wharf.Server.Groups.Manifests;

/// <summary>
/// Reads an ICOS application descriptor into a group manifest whose components an ICOS orchestrator (OCM, Nuvla)
/// executes. The shape follows the ICOS documentation ("Application Descriptor": <c>name</c>, <c>description</c>,
/// <c>components[{name, type, manifests[{name}], requirements, policies, targets}]</c>, <c>manifests[]</c>) and the
/// ICOS job manager, which matches a component's manifest references against each manifest's <c>metadata.name</c>
/// and takes <c>targets</c> as one object (from its matchmaker) or a list. Both manifest forms are accepted: a
/// bare Kubernetes object, or <c>{name, manifest: {…}}</c>, of which the orchestrator gets the inner manifest.
/// </summary>
public static class IcosDescriptor
{
    private static readonly HashSet<string> ComponentKeys = new(StringComparer.Ordinal)
    {
        "name", "type", "manifests", "requirements", "policies", "targets", "communication",
    };

    /// <summary>Reads <paramref name="yaml"/> (YAML or JSON).</summary>
    /// <exception cref="ManifestException">Every fault found, each naming its field and line.</exception>
    public static GroupManifest Parse(string yaml)
    {
        var document = ManifestText.Read(yaml);
        var faults = new ManifestFaults(document);
        var root = (JsonObject)document.Root!;

        var name = ManifestFields.String(root["name"], "name", faults);
        if (string.IsNullOrWhiteSpace(name))
        {
            faults.Fault("name", "required", "name: the application needs a name");
        }

        var description = ManifestFields.String(root["description"], "description", faults);
        foreach (var (key, _) in root)
        {
            if (key is not ("name" or "description" or "components" or "manifests"))
            {
                faults.Warn(key, "ignored", $"{key}: Wharf reads name, description, components and manifests; '{key}' is ignored");
            }
        }

        var manifests = Manifests(root["manifests"], faults);
        var components = new List<GroupComponent>();
        var list = ManifestFields.Array(root["components"], "components", faults);
        if (list is not { Count: > 0 })
        {
            faults.Fault("components", "required", "components: an application needs at least one component");
        }

        var used = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (list?.Count ?? 0); i++)
        {
            if (Component(list![i], $"components[{i}]", manifests, used, faults) is { } component)
            {
                if (components.Any(c => c.Name == component.Name))
                {
                    faults.Fault($"components[{i}].name", "duplicate", $"components[{i}].name: another component is also named '{component.Name}'");
                }

                components.Add(component);
            }
        }

        foreach (var manifest in manifests.Where(m => m.Name is not null && !used.Contains(m.Name)))
        {
            faults.Warn(manifest.Path, "unused", $"{manifest.Path}: no component refers to manifest '{manifest.Name}'");
        }

        faults.ThrowIfAny();
        return new GroupManifest(GroupKinds.Icos, name!, description, components) { Warnings = faults.Warnings };
    }

    private sealed record NamedManifest(string? Name, string Path, string Yaml);

    private static List<NamedManifest> Manifests(JsonNode? node, ManifestFaults faults)
    {
        var result = new List<NamedManifest>();
        var list = ManifestFields.Array(node, "manifests", faults) ?? [];
        for (var i = 0; i < list.Count; i++)
        {
            var path = $"manifests[{i}]";
            if (list[i] is not JsonObject manifest)
            {
                faults.Fault(path, "invalid", $"{path}: a manifest is a mapping (a Kubernetes object, or name and manifest)");
                continue;
            }

            var wrapped = manifest["manifest"] is JsonObject inner && manifest["name"] is JsonValue ? inner : null;
            var name = wrapped is not null ? ManifestFields.Text(manifest["name"]) : ManifestFields.Text(manifest["metadata"]?["name"]) ?? ManifestFields.Text(manifest["name"]);
            if (name is null)
            {
                faults.Fault(path, "required", $"{path}: a manifest needs a name (metadata.name, or name beside manifest)");
            }

            result.Add(new NamedManifest(name, path, ManifestYaml.Write(wrapped ?? manifest)));
        }

        return result;
    }

    private static GroupComponent? Component(JsonNode? node, string path, List<NamedManifest> manifests, HashSet<string> used, ManifestFaults faults)
    {
        if (node is not JsonObject component)
        {
            faults.Fault(path, "invalid", $"{path}: a component is a mapping of keys to values");
            return null;
        }

        foreach (var (key, _) in component)
        {
            if (!ComponentKeys.Contains(key))
            {
                faults.Warn(ManifestFields.Path(path, key), "ignored", $"{path}.{key}: '{key}' is not a component field Wharf reads; it is ignored");
            }
        }

        var name = ManifestFields.String(component["name"], $"{path}.name", faults);
        if (string.IsNullOrWhiteSpace(name))
        {
            faults.Fault($"{path}.name", "required", $"{path}.name: a component needs a name");
        }

        var texts = new List<string>();
        var references = ManifestFields.Array(component["manifests"], $"{path}.manifests", faults) ?? [];
        for (var i = 0; i < references.Count; i++)
        {
            var refPath = $"{path}.manifests[{i}]";
            var reference = references[i] is JsonObject obj ? ManifestFields.Text(obj["name"]) : null;
            // Kubernetes lets a Deployment and its Service share a name; like the ICOS job manager, a reference takes every match.
            var matches = manifests.Where(m => m.Name == reference).ToList();
            if (reference is null)
            {
                faults.Fault(refPath, "required", $"{refPath}: a manifest reference is {{name: …}}");
            }
            else if (matches.Count == 0)
            {
                faults.Fault($"{refPath}.name", "unknown_manifest", $"{refPath}.name: there is no manifest named '{reference}'");
            }

            used.UnionWith(matches.Select(m => m.Name!));
            texts.AddRange(matches.Select(m => m.Yaml));
        }

        var (demand, requirements) = IcosRequirements.Read(component["requirements"], $"{path}.requirements", faults);
        var targets = Targets(component["targets"], $"{path}.targets", faults);
        return new GroupComponent
        {
            Name = name ?? "",
            Type = ManifestFields.String(component["type"], $"{path}.type", faults),
            Manifests = texts,
            Demand = demand,
            Requirements = requirements,
            Targets = targets,
            Orchestrator = targets.Count > 0 ? targets[0].Orchestrator : null,
            Policies = component["policies"] is { } policies ? JsonSerializer.SerializeToElement(policies) : null,
        };
    }

    private static List<ComponentTarget> Targets(JsonNode? node, string path, ManifestFaults faults)
    {
        var result = new List<ComponentTarget>();
        var items = node switch
        {
            null => [],
            JsonObject one => [(one, path)],
            JsonArray list => list.Select((t, i) => (t, $"{path}[{i}]")).ToList(),
            _ => [(node, path)],
        };
        foreach (var (item, itemPath) in items)
        {
            if (item is not JsonObject target)
            {
                faults.Fault(itemPath, "invalid", $"{itemPath}: a target is {{cluster_name, node_name, orchestrator}}");
                continue;
            }

            var orchestrator = ManifestFields.String(target["orchestrator"], $"{itemPath}.orchestrator", faults)?.ToLowerInvariant();
            if (orchestrator is not (null or "" or "ocm" or "nuvla"))
            {
                faults.Fault($"{itemPath}.orchestrator", "invalid", $"{itemPath}.orchestrator: the orchestrator is ocm or nuvla, not '{orchestrator}'");
            }

            result.Add(new ComponentTarget(
                Blank(ManifestFields.String(target["cluster_name"], $"{itemPath}.cluster_name", faults)),
                Blank(ManifestFields.String(target["node_name"], $"{itemPath}.node_name", faults)),
                Blank(orchestrator)));
        }

        return result;
    }

    private static string? Blank(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
