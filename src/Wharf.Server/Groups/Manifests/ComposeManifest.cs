using System.Text.Json.Nodes;
using Wharf.Domain.Jobs;

namespace Wharf.Server.Groups.Manifests;

/// <summary>
/// Reads a docker-compose file (YAML, or its JSON form as Tycho sends it) with its <c>.env</c> into a group manifest:
/// each service becomes a component that Wharf's process driver runs from <c>x-wharf.command</c> or from compose's
/// <c>entrypoint</c>/<c>command</c>. The format as Wharf reads it, and what it ignores or refuses, is in <c>docs/groups.md</c>.
/// </summary>
public static class ComposeManifest
{
    private static readonly HashSet<string> TopLevelKeys = new(StringComparer.Ordinal)
    {
        "services", "name", "version", "networks", "volumes", "secrets", "configs",
    };

    /// <summary>
    /// Reads <paramref name="text"/>. Variables come from <paramref name="envText"/> (<c>.env</c> lines) and
    /// <paramref name="envValues"/>, which win; the group is named by the file's <c>name</c>, else
    /// <paramref name="fallbackName"/>.
    /// </summary>
    /// <exception cref="ManifestException">Every fault found, each naming its field and line.</exception>
    public static GroupManifest Parse(string text, string? envText, IReadOnlyDictionary<string, string>? envValues, string? fallbackName)
    {
        var document = ManifestText.Read(text);
        var faults = new ManifestFaults(document);
        var root = (JsonObject)document.Root!;

        var variables = envText is null ? new Dictionary<string, string>(StringComparer.Ordinal) : DotEnv.Read(envText, faults);
        foreach (var (key, value) in envValues ?? new Dictionary<string, string>())
        {
            variables[key] = value;
        }

        ComposeInterpolation.Apply(root, "", variables, faults);

        foreach (var (key, _) in root)
        {
            if (!TopLevelKeys.Contains(key) && !key.StartsWith("x-", StringComparison.Ordinal))
            {
                faults.Fault(key, "unknown_key", $"{key}: a compose file has services, name, networks, volumes, secrets, configs and x-* extensions, not '{key}'");
            }
        }

        var name = ManifestFields.String(root["name"], "name", faults) is { Length: > 0 } given ? given : fallbackName;
        if (string.IsNullOrWhiteSpace(name))
        {
            faults.Fault("name", "required", "name: the group needs a name: set name at the top of the file or give one with the request");
        }

        var product = TopLevelProduct(root["x-wharf"], faults);
        var components = Services(root, variables, product, faults);
        var ordered = Order(components, faults);
        faults.ThrowIfAny();
        return new GroupManifest(GroupKinds.Compose, name!, null, ordered!) { Warnings = faults.Warnings };
    }

    private static string? TopLevelProduct(JsonNode? node, ManifestFaults faults)
    {
        var wharf = ManifestFields.Object(node, "x-wharf", faults);
        foreach (var (key, _) in wharf ?? [])
        {
            if (key != "product")
            {
                faults.Fault($"x-wharf.{key}", "unknown_key", $"x-wharf.{key}: the top-level x-wharf knows only product");
            }
        }

        return ManifestFields.String(wharf?["product"], "x-wharf.product", faults);
    }

    private static List<GroupComponent> Services(JsonObject root, IReadOnlyDictionary<string, string> variables, string? product, ManifestFaults faults)
    {
        var services = ManifestFields.Object(root["services"], "services", faults);
        if (services is null || services.Count == 0)
        {
            faults.Fault("services", "required", "services: a compose file needs at least one service");
            return [];
        }

        var context = new ComposeContext(faults, variables, services.Select(s => s.Key).ToHashSet(StringComparer.Ordinal), product);
        var components = new List<GroupComponent>();
        foreach (var (name, value) in services)
        {
            var path = $"services.{name}";
            if (value is not JsonObject service)
            {
                faults.Fault(path, "invalid", $"{path}: a service is a mapping of keys to values");
                continue;
            }

            if (ComposeService.Read(name, service, path, context) is { } component)
            {
                components.Add(component);
            }
        }

        return components;
    }

    /// <summary>Start order, with the checks that need every service read: health for service_healthy, and cycles.</summary>
    private static List<GroupComponent>? Order(List<GroupComponent> components, ManifestFaults faults)
    {
        var byName = components.ToDictionary(c => c.Name, StringComparer.Ordinal);
        foreach (var component in components)
        {
            foreach (var dependency in component.DependsOn)
            {
                if (dependency.Condition == DependencyConditions.Healthy
                    && byName.TryGetValue(dependency.Component, out var target) && target.Definition?.HealthCheck is null)
                {
                    var field = $"services.{component.Name}.depends_on.{dependency.Component}.condition";
                    faults.Fault(field, "invalid", $"{field}: service_healthy needs a health check on {dependency.Component}, and it has none");
                }
            }
        }

        var ordered = DependencyOrder.Sort(components, out var cycle);
        if (cycle is not null)
        {
            var field = $"services.{cycle[0]}.depends_on";
            faults.Fault(field, "cycle", $"{field}: the services depend on each other in a cycle: {string.Join(" → ", cycle)}");
        }

        return ordered;
    }
}
