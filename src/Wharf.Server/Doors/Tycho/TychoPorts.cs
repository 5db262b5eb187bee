using System.Text.Json.Nodes;
using Wharf.Server.Groups.Manifests;

namespace Wharf.Server.Doors.Tycho;

/// <summary>
/// Which of a service's ports Tycho's <c>services.&lt;svc&gt;.port</c> means: the compose port whose container side
/// (target) is that number, under the name Wharf gave it (the long syntax's <c>name</c>, else <c>p&lt;target&gt;</c>).
/// The file is read again with the same readers as the manifest, so the names are the ones its jobs were given.
/// </summary>
internal static class TychoPorts
{
    /// <summary>Each service's ports as (name, container port), in the file's order; services without ports are left out.</summary>
    public static Dictionary<string, List<(string Name, int Target)>> Read(string systemText, string? envText)
    {
        var result = new Dictionary<string, List<(string, int)>>(StringComparer.Ordinal);
        try
        {
            var document = ManifestText.Read(systemText);
            var faults = new ManifestFaults(document);
            var root = (JsonObject)document.Root!;
            var variables = envText is null ? new Dictionary<string, string>(StringComparer.Ordinal) : DotEnv.Read(envText, faults);
            ComposeInterpolation.Apply(root, "", variables, faults);
            foreach (var (service, node) in root["services"] as JsonObject ?? [])
            {
                if (node is JsonObject { } definition && definition["ports"] is JsonArray ports)
                {
                    var read = ComposePorts.Read(ports, $"services.{service}.ports", faults);
                    if (read.Count > 0)
                    {
                        result[service] = [.. read.Select(p => (p.Port.Name, p.Target))];
                    }
                }
            }
        }
        catch (ManifestException)
        {
            // The manifest was read successfully before this is asked; a file that cannot be read has no ports to name.
        }

        return result;
    }
}
