using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Wharf.Server.Groups.Manifests;

namespace Wharf.Server.Doors.Icos;

/// <summary>
/// What a policy remediation changes in a job's Kubernetes manifests: <c>spec.replicas</c> of the workloads that have
/// one (scale-out/in), the containers' <c>resources.requests/limits</c> cpu and memory (scale-up/down), or a JSON
/// merge patch (RFC 7386) on the manifest it names. Only manifests that change are written again.
/// </summary>
internal static partial class Remediation
{
    private static readonly HashSet<string> Scalable = new(StringComparer.Ordinal) { "Deployment", "StatefulSet", "ReplicaSet" };

    /// <summary>The replica count the manifests ask for (the first scalable workload's), or null when none has one.</summary>
    public static int? ReplicasOf(IReadOnlyList<string> manifests) => manifests
        .Select(IcosShapes.Read)
        .Where(m => Scalable.Contains(IcosWire.Text(m?["kind"]) ?? ""))
        .Select(m => IcosWire.Number(m!["spec"]?["replicas"]) ?? 1)
        .Cast<int?>()
        .FirstOrDefault();

    /// <summary>The manifests with every scalable workload at <paramref name="replicas"/>.</summary>
    public static List<string> Scale(IReadOnlyList<string> manifests, int replicas) => [.. manifests.Select(text =>
    {
        if (IcosShapes.Read(text) is not { } root || !Scalable.Contains(IcosWire.Text(root["kind"]) ?? ""))
        {
            return text;
        }

        if (root["spec"] is not JsonObject spec)
        {
            spec = new JsonObject();
            root["spec"] = spec;
        }

        spec["replicas"] = replicas;
        return ManifestYaml.Write(root);
    })];

    /// <summary>The manifests with every container's cpu and memory requests and limits times <paramref name="factor"/>.</summary>
    public static List<string> Resize(IReadOnlyList<string> manifests, double factor) => [.. manifests.Select(text =>
    {
        if (IcosShapes.Read(text) is not { } root)
        {
            return text;
        }

        var changed = false;
        foreach (var container in Containers(root))
        {
            foreach (var part in new[] { "requests", "limits" })
            {
                if (container["resources"]?[part] is not JsonObject amounts)
                {
                    continue;
                }

                foreach (var key in new[] { "cpu", "memory" })
                {
                    if (IcosWire.Text(amounts[key]) is { } quantity && Times(quantity, factor, key == "cpu") is { } scaled)
                    {
                        amounts[key] = scaled;
                        changed = true;
                    }
                }
            }
        }

        return changed ? ManifestYaml.Write(root) : text;
    })];

    /// <summary>
    /// The manifests with <paramref name="patch"/> merged (RFC 7386) into the one of the same kind and name, or into
    /// the first when the patch names none; null when it names one that is not there.
    /// </summary>
    public static List<string>? Patch(IReadOnlyList<string> manifests, JsonObject patch)
    {
        var kind = IcosWire.Text(patch["kind"]);
        var name = IcosWire.Text(patch["metadata"]?["name"]);
        var result = manifests.ToList();
        for (var i = 0; i < result.Count; i++)
        {
            if (IcosShapes.Read(result[i]) is not { } root
                || (kind is not null && IcosWire.Text(root["kind"]) != kind)
                || (name is not null && IcosWire.Text(root["metadata"]?["name"]) != name))
            {
                continue;
            }

            result[i] = ManifestYaml.Write(Merge(root, patch));
            return result;
        }

        return null;
    }

    /// <summary>A Kubernetes quantity times <paramref name="factor"/>, in the same unit (cpu below one core in millicores).</summary>
    public static string? Times(string quantity, double factor, bool cpu)
    {
        var match = QuantityPattern().Match(quantity.Trim());
        if (!match.Success || !double.TryParse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
        {
            return null;
        }

        var unit = match.Groups[2].Value;
        var value = amount * factor;
        if (cpu && unit == "" && value < 1)
        {
            return Format(Math.Max(1, Math.Round(value * 1000))) + "m";
        }

        if (cpu && unit == "m")
        {
            value = Math.Max(1, Math.Round(value));
        }

        return Format(value) + unit;
    }

    private static string Format(double value) => Math.Round(value, 3).ToString("0.###", CultureInfo.InvariantCulture);

    private static IEnumerable<JsonObject> Containers(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    if (key == "containers" && value is JsonArray list)
                    {
                        foreach (var container in list.OfType<JsonObject>())
                        {
                            yield return container;
                        }
                    }
                    else
                    {
                        foreach (var inner in Containers(value))
                        {
                            yield return inner;
                        }
                    }
                }

                break;
            case JsonArray array:
                foreach (var inner in array.SelectMany(Containers))
                {
                    yield return inner;
                }

                break;
        }
    }

    private static JsonObject Merge(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch)
        {
            if (value is null)
            {
                target.Remove(key);
            }
            else if (value is JsonObject inner && target[key] is JsonObject existing)
            {
                Merge(existing, inner);
            }
            else
            {
                target[key] = value.DeepClone();
            }
        }

        return target;
    }

    [GeneratedRegex(@"^([0-9]+(?:\.[0-9]+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$")]
    private static partial Regex QuantityPattern();
}
