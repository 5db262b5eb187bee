using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Wharf.Domain.Catalog;

namespace Wharf.Server.Groups.Manifests;

/// <summary>
/// A service's <c>ports</c>: only the container side matters, because Wharf allocates every host port. Each port is
/// named by its long-syntax <c>name</c>, else <c>p&lt;target&gt;</c>, so the process finds it as <c>WHARF_PORT_P80</c>.
/// </summary>
internal static partial class ComposePorts
{
    /// <summary>The ports, with the container port each name stands for (for health checks given as a number).</summary>
    public static List<(ApplicationPort Port, int Target)> Read(JsonArray ports, string path, ManifestFaults faults)
    {
        var result = new List<(ApplicationPort, int)>();
        for (var i = 0; i < ports.Count; i++)
        {
            var itemPath = $"{path}[{i}]";
            var (target, protocol, name) = ports[i] is JsonObject longForm ? Long(longForm, itemPath, faults) : Short(ports[i], itemPath, faults);
            if (target is not { } port)
            {
                continue;
            }

            if (name is null)
            {
                name = $"p{port}";
                if (result.Any(p => p.Item1.Name == name) && protocol == "udp")
                {
                    name = $"p{port}-udp";
                }
            }
            else if (!PortName().IsMatch(name))
            {
                faults.Fault($"{itemPath}.name", "invalid", $"{itemPath}.name: a port name is a DNS label: 1–63 lower-case letters, digits and '-'");
                continue;
            }

            if (result.Any(p => p.Item1.Name == name))
            {
                faults.Fault(itemPath, "duplicate", $"{itemPath}: another port is also named '{name}'; give one a name in the long syntax");
                continue;
            }

            result.Add((new ApplicationPort(name, protocol), port));
        }

        return result;
    }

    private static (int? Target, string? Protocol, string? Name) Short(JsonNode? node, string path, ManifestFaults faults)
    {
        var text = ManifestFields.Text(node)?.Trim();
        if (text is null || text.Length == 0)
        {
            faults.Fault(path, "invalid", $"{path}: a port is a number, text such as \"8080:80\", or a mapping with target");
            return (null, null, null);
        }

        string? protocol = null;
        var slash = text.LastIndexOf('/');
        if (slash >= 0)
        {
            protocol = Protocol(text[(slash + 1)..], path, faults);
            text = text[..slash];
        }

        // An IPv6 host address is bracketed; an IPv4 one is the first of three parts. Either way the host side is ignored.
        if (text.StartsWith('['))
        {
            var close = text.IndexOf("]:", StringComparison.Ordinal);
            text = close < 0 ? text : text[(close + 2)..];
        }

        var parts = text.Split(':');
        if (parts.Length > 3)
        {
            faults.Fault(path, "invalid", $"{path}: '{text}' is not [ip:][host:]container");
            return (null, null, null);
        }

        if (parts.Any(p => p.Contains('-', StringComparison.Ordinal)))
        {
            faults.Fault(path, "unsupported", $"{path}: port ranges ('{text}') are not supported; list each port");
            return (null, null, null);
        }

        return (Target(parts[^1], path, faults), protocol, null);
    }

    private static (int? Target, string? Protocol, string? Name) Long(JsonObject port, string path, ManifestFaults faults)
    {
        if (port["target"] is null)
        {
            faults.Fault($"{path}.target", "required", $"{path}.target: the container port is required");
            return (null, null, null);
        }

        if (ManifestFields.Text(port["published"]) is { } published && published.Contains('-', StringComparison.Ordinal))
        {
            faults.Fault($"{path}.published", "unsupported", $"{path}.published: port ranges are not supported");
        }

        var target = Target(ManifestFields.Text(port["target"]) ?? "", $"{path}.target", faults);
        var protocol = ManifestFields.String(port["protocol"], $"{path}.protocol", faults) is { } p ? Protocol(p, $"{path}.protocol", faults) : null;
        var name = ManifestFields.String(port["name"], $"{path}.name", faults);
        return (target, protocol, name);
    }

    private static int? Target(string text, string path, ManifestFaults faults)
    {
        if (int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535)
        {
            return port;
        }

        faults.Fault(path, "invalid", $"{path}: '{text}' is not a port number (1–65535)");
        return null;
    }

    private static string? Protocol(string text, string path, ManifestFaults faults)
    {
        var protocol = text.Trim().ToLowerInvariant();
        if (protocol is "tcp" or "udp")
        {
            return protocol == "tcp" ? null : protocol;
        }

        faults.Fault(path, "invalid", $"{path}: the protocol is tcp or udp, not '{text}'");
        return null;
    }

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex PortName();
}
