using System.Text.Json.Nodes;
using Wharf.Domain.Jobs;

namespace Wharf.Server.Groups.Manifests;

/// <summary>
/// An ICOS component's <c>requirements</c>: <c>cpu</c> (cores or millicores) and <c>memory</c> (a Kubernetes
/// quantity) become the rank's demand; <c>architecture</c>, <c>devices</c> and <c>nodelabel</c> are kept as text
/// (lists and mappings as JSON) for the matchmaker. Any other key is a fault: a requirement silently dropped would
/// place the component where it cannot run.
/// </summary>
internal static class IcosRequirements
{
    public static (RankDemand? Demand, Dictionary<string, string> Requirements) Read(JsonNode? node, string path, ManifestFaults faults)
    {
        var requirements = new Dictionary<string, string>(StringComparer.Ordinal);
        var map = ManifestFields.Object(node, path, faults);
        if (map is null)
        {
            return (null, requirements);
        }

        double? cpu = null;
        long? memory = null;
        foreach (var (key, value) in map)
        {
            var field = ManifestFields.Path(path, key);
            var text = ManifestFields.Text(value);
            switch (key)
            {
                case "cpu":
                    cpu = text is null ? null : Quantities.Cores(text, allowMillicores: true);
                    if (cpu is null)
                    {
                        faults.Fault(field, "invalid", $"{field}: '{text}' is not a positive number of cores such as 2, 0.5 or 500m");
                    }

                    break;
                case "memory":
                    memory = text is null ? null : Quantities.KubernetesMemoryMiB(text);
                    if (memory is null)
                    {
                        faults.Fault(field, "invalid", $"{field}: '{text}' is not a memory size such as 512Mi, 1Gi or 2G");
                    }

                    break;
                case "architecture" or "devices" or "nodelabel":
                    if (value is not null)
                    {
                        requirements[key] = text ?? value.ToJsonString();
                    }

                    break;
                default:
                    faults.Fault(field, "unknown_key", $"{field}: the requirements are cpu, memory, architecture, devices and nodelabel, not '{key}'");
                    break;
            }
        }

        return (cpu is null && memory is null ? null : new RankDemand(cpu ?? 0, memory ?? 0), requirements);
    }
}
