using System.Text.Json.Nodes;
using Wharf.Domain.Catalog;

namespace Wharf.Server.Groups.Manifests;

/// <summary>
/// A service's health check: compose's <c>healthcheck</c> (a command run in the rank's environment), or a Wharf check
/// from <c>x-wharf.healthcheck</c> (<c>tcp</c>, <c>http</c>, <c>process</c>, <c>command</c>), which wins.
/// Compose's defaults apply: every 30 s, 30 s timeout, 3 retries.
/// </summary>
internal static class ComposeHealth
{
    public static ApplicationHealthCheck? Compose(JsonObject check, string path, ManifestFaults faults)
    {
        if (ManifestFields.Boolean(check["disable"], $"{path}.disable", faults) == true)
        {
            return null;
        }

        var testPath = $"{path}.test";
        IReadOnlyList<string>? command = null;
        switch (check["test"])
        {
            case null:
                faults.Fault(testPath, "required", $"{testPath}: a health check needs a test (there is no image to inherit one from)");
                break;
            case JsonArray list when ManifestFields.Strings(list, testPath, faults) is { } words:
                switch (words.FirstOrDefault())
                {
                    case "NONE":
                        return null;
                    case "CMD" when words.Count > 1:
                        command = words[1..];
                        break;
                    case "CMD-SHELL" when words.Count > 1:
                        command = CommandLine.Shell(string.Join(' ', words[1..]));
                        break;
                    default:
                        faults.Fault(testPath, "invalid", $"{testPath}: a test list starts with CMD, CMD-SHELL or NONE and has a command after CMD or CMD-SHELL");
                        break;
                }

                break;
            case JsonValue value when ManifestFields.Text(value) is { Length: > 0 } text:
                command = CommandLine.Shell(text);
                break;
            default:
                faults.Fault(testPath, "invalid", $"{testPath}: the test is a list such as [\"CMD\", \"pg_isready\"] or a shell command");
                break;
        }

        if (ManifestFields.Text(check["start_period"]) is not null)
        {
            faults.Warn($"{path}.start_period", "ignored", $"{path}.start_period: Wharf counts failures from the first probe; raise retries instead");
        }

        var timing = Timing(check, path, faults);
        return command is null ? null : timing with { Type = "command", Command = command };
    }

    public static ApplicationHealthCheck? Wharf(JsonObject check, string path, List<(ApplicationPort Port, int Target)> ports, ManifestFaults faults)
    {
        var type = ManifestFields.String(check["type"], $"{path}.type", faults);
        var result = Timing(check, path, faults);
        switch (type)
        {
            case "process":
                return result with { Type = type };
            case "tcp" or "http":
                var port = Port(check["port"], $"{path}.port", ports, faults);
                var httpPath = type == "http" ? ManifestFields.String(check["path"], $"{path}.path", faults) : null;
                return port is null ? null : result with { Type = type, Port = port, Path = httpPath };
            case "command":
                var command = check["command"] switch
                {
                    JsonArray list => ManifestFields.Strings(list, $"{path}.command", faults),
                    JsonValue value when ManifestFields.Text(value) is { Length: > 0 } text => CommandLine.Shell(text),
                    _ => null,
                };
                if (command is not { Count: > 0 })
                {
                    faults.Fault($"{path}.command", "required", $"{path}.command: a command check needs a command (a list or a shell text)");
                    return null;
                }

                return result with { Type = type, Command = command };
            default:
                faults.Fault($"{path}.type", type is null ? "required" : "invalid", $"{path}.type: a Wharf health check's type is tcp, http, process or command");
                return null;
        }
    }

    private static string? Port(JsonNode? node, string path, List<(ApplicationPort Port, int Target)> ports, ManifestFaults faults)
    {
        var text = ManifestFields.Text(node);
        var match = ports.FirstOrDefault(p => p.Port.Name == text || p.Target.ToString(System.Globalization.CultureInfo.InvariantCulture) == text);
        if (match.Port is null)
        {
            faults.Fault(path, text is null ? "required" : "invalid", $"{path}: the port to probe must be one of the service's ports (its name or container port)");
        }

        return match.Port?.Name;
    }

    private static ApplicationHealthCheck Timing(JsonObject check, string path, ManifestFaults faults) => new()
    {
        IntervalSeconds = Seconds(check["interval"], $"{path}.interval", faults) ?? 30,
        TimeoutSeconds = Seconds(check["timeout"], $"{path}.timeout", faults) ?? 30,
        FailureThreshold = ManifestFields.Integer(check["retries"], $"{path}.retries", faults, 1, 1000) ?? 3,
    };

    private static double? Seconds(JsonNode? node, string path, ManifestFaults faults)
    {
        if (node is null)
        {
            return null;
        }

        var text = ManifestFields.Text(node) ?? "";
        if (Quantities.DurationSeconds(text) is { } seconds and > 0)
        {
            return seconds;
        }

        faults.Fault(path, "invalid", $"{path}: '{text}' is not a positive duration such as 10s, 1m30s or 500ms");
        return null;
    }
}
