using System.Text.Json.Nodes;
using Wharf.Domain.Jobs;

namespace Wharf.Server.Groups.Manifests;

/// <summary>
/// A service's <c>deploy</c> section (replicas, resources, restart policy) and the older service-level keys that say
/// the same (<c>scale</c>, <c>cpus</c>, <c>mem_limit</c>, <c>mem_reservation</c>, <c>restart</c>).
/// </summary>
internal static class ComposeDeploy
{
    public static int Replicas(JsonObject? deploy, JsonObject service, string path, ManifestFaults faults)
    {
        if (ManifestFields.String(deploy?["mode"], $"{path}.deploy.mode", faults) is { } mode && mode != "replicated")
        {
            faults.Fault($"{path}.deploy.mode", "unsupported", $"{path}.deploy.mode: only replicated services are supported, not '{mode}'");
        }

        return ManifestFields.Integer(deploy?["replicas"], $"{path}.deploy.replicas", faults, 1, 1000)
            ?? ManifestFields.Integer(service["scale"], $"{path}.scale", faults, 1, 1000)
            ?? 1;
    }

    /// <summary>Reservations win over limits, field by field: a rank is placed by what it needs, not by its ceiling.</summary>
    public static RankDemand? Demand(JsonObject? deploy, JsonObject service, string path, ManifestFaults faults)
    {
        var resourcesPath = $"{path}.deploy.resources";
        var resources = ManifestFields.Object(deploy?["resources"], resourcesPath, faults);
        var reservations = ManifestFields.Object(resources?["reservations"], $"{resourcesPath}.reservations", faults);
        var limits = ManifestFields.Object(resources?["limits"], $"{resourcesPath}.limits", faults);

        var cpu = Cpus(reservations?["cpus"], $"{resourcesPath}.reservations.cpus", faults)
            ?? Cpus(limits?["cpus"], $"{resourcesPath}.limits.cpus", faults)
            ?? Cpus(service["cpus"], $"{path}.cpus", faults);
        var memory = Memory(reservations?["memory"], $"{resourcesPath}.reservations.memory", faults)
            ?? Memory(service["mem_reservation"], $"{path}.mem_reservation", faults)
            ?? Memory(limits?["memory"], $"{resourcesPath}.limits.memory", faults)
            ?? Memory(service["mem_limit"], $"{path}.mem_limit", faults);
        var gpu = Gpus(reservations?["devices"], $"{resourcesPath}.reservations.devices", faults);
        return cpu is null && memory is null && gpu == 0 ? null : new RankDemand(cpu ?? 0, memory ?? 0, gpu);
    }

    public static bool Restart(JsonObject? deploy, JsonObject service, string path, ManifestFaults faults)
    {
        if (ManifestFields.String(service["restart"], $"{path}.restart", faults) is { } restart)
        {
            switch (restart)
            {
                case "no":
                    return false;
                case "always" or "unless-stopped" or "on-failure":
                    return true;
                case var _ when restart.StartsWith("on-failure:", StringComparison.Ordinal) && int.TryParse(restart[11..], out _):
                    return true;
                default:
                    faults.Fault($"{path}.restart", "invalid", $"{path}.restart: '{restart}' is not no, always, unless-stopped or on-failure");
                    return false;
            }
        }

        var policyPath = $"{path}.deploy.restart_policy";
        var condition = ManifestFields.String(ManifestFields.Object(deploy?["restart_policy"], policyPath, faults)?["condition"], $"{policyPath}.condition", faults);
        switch (condition)
        {
            case null or "none":
                return false;
            case "on-failure" or "any":
                return true;
            default:
                faults.Fault($"{policyPath}.condition", "invalid", $"{policyPath}.condition: '{condition}' is not none, on-failure or any");
                return false;
        }
    }

    private static double? Cpus(JsonNode? node, string path, ManifestFaults faults)
    {
        if (node is null)
        {
            return null;
        }

        var text = ManifestFields.Text(node) ?? "";
        var cores = Quantities.Cores(text, allowMillicores: false);
        if (cores is null)
        {
            faults.Fault(path, "invalid", $"{path}: '{text}' is not a positive number of CPUs such as 0.5 or 2");
        }

        return cores;
    }

    private static long? Memory(JsonNode? node, string path, ManifestFaults faults)
    {
        if (node is null)
        {
            return null;
        }

        var text = ManifestFields.Text(node) ?? "";
        var mib = Quantities.ComposeMemoryMiB(text);
        if (mib is null)
        {
            faults.Fault(path, "invalid", $"{path}: '{text}' is not a memory size such as 512M, 1g or a number of bytes");
        }

        return mib;
    }

    /// <summary>GPUs reserved as compose devices: <c>[{capabilities: [gpu], count: 1}]</c>.</summary>
    private static int Gpus(JsonNode? node, string path, ManifestFaults faults)
    {
        var devices = ManifestFields.Array(node, path, faults) ?? [];
        var total = 0;
        for (var i = 0; i < devices.Count; i++)
        {
            var device = ManifestFields.Object(devices[i], $"{path}[{i}]", faults);
            var capabilities = device?["capabilities"] as JsonArray;
            if (capabilities is null || !capabilities.Any(c => ManifestFields.Text(c) == "gpu"))
            {
                faults.Fault($"{path}[{i}].capabilities", "unsupported", $"{path}[{i}].capabilities: only gpu devices can be reserved");
                continue;
            }

            total += ManifestFields.Integer(device!["count"], $"{path}[{i}].count", faults, 1, 64) ?? 1;
        }

        return total;
    }
}
