using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Wharf.Domain.Catalog;
using Wharf.Domain.Jobs;

namespace Wharf.Server.Groups.Manifests;

/// <summary>Reads one compose service into a component; <see cref="ComposeManifest"/> checks what spans services.</summary>
internal static partial class ComposeService
{
    /// <summary>Keys that change what runs and that Wharf cannot honour: refusing beats running something else.</summary>
    private static readonly Dictionary<string, string> Refused = new(StringComparer.Ordinal)
    {
        ["env_file"] = "files are not read; put the variables in environment or in the .env text",
        ["extends"] = "other files and services are not merged; write the service out in full",
        ["profiles"] = "Wharf starts every service; remove the services you do not want",
    };

    /// <summary>Keys that only matter to a container engine, ignored without a word.</summary>
    private static readonly HashSet<string> Quiet = new(StringComparer.Ordinal)
    {
        "image", "build", "expose", "container_name", "hostname", "labels", "networks", "platform", "pull_policy",
        "stdin_open", "tty", "logging", "init",
    };

    private static readonly HashSet<string> Honoured = new(StringComparer.Ordinal)
    {
        "x-wharf", "command", "entrypoint", "environment", "ports", "deploy", "depends_on", "links", "healthcheck",
        "restart", "scale", "cpus", "mem_limit", "mem_reservation",
    };

    public static GroupComponent? Read(string name, JsonObject service, string path, ComposeContext context)
    {
        var faults = context.Faults;
        foreach (var (key, _) in service)
        {
            if (Refused.TryGetValue(key, out var why))
            {
                faults.Fault(ManifestFields.Path(path, key), "unsupported", $"{ManifestFields.Path(path, key)}: {key} is not supported: {why}");
            }
            else if (!Honoured.Contains(key) && !Quiet.Contains(key) && !key.StartsWith("x-", StringComparison.Ordinal))
            {
                faults.Warn(ManifestFields.Path(path, key), "ignored", $"{ManifestFields.Path(path, key)}: {key} has no meaning without a container engine and is ignored");
            }
        }

        var wharf = WharfExtension(service["x-wharf"], $"{path}.x-wharf", faults);
        var command = Command(service, wharf, path, faults);
        var environment = Environment(service["environment"], $"{path}.environment", context);
        var ports = ManifestFields.Array(service["ports"], $"{path}.ports", faults) is { } list
            ? ComposePorts.Read(list, $"{path}.ports", faults)
            : [];
        var health = Health(service, wharf, path, ports, faults);
        var deploy = ManifestFields.Object(service["deploy"], $"{path}.deploy", faults);
        var dependencies = ComposeDependencies.Read(service["depends_on"], $"{path}.depends_on", context);
        var links = ComposeDependencies.Links(service["links"], $"{path}.links", context);
        var product = ManifestFields.String(wharf?["product"], $"{path}.x-wharf.product", faults) ?? context.Product;

        if (!ServiceName().IsMatch(name))
        {
            faults.Fault(path, "invalid_name", $"{path}: a service name is 1–100 lower-case letters, digits, '.', '_' and '-', starting and ending with a letter or digit (it becomes a host name)");
        }

        if (command is null)
        {
            return null;
        }

        return new GroupComponent
        {
            Name = name,
            Definition = new ApplicationDefinition
            {
                Name = name,
                Version = "group",
                Command = command,
                Environment = environment,
                Ports = ports.Select(p => p.Port).ToList(),
                HealthCheck = health,
                MaxReplicas = 1000,
            },
            Replicas = ComposeDeploy.Replicas(deploy, service, path, faults),
            Demand = ComposeDeploy.Demand(deploy, service, path, faults),
            RestartOnExit = ComposeDeploy.Restart(deploy, service, path, faults),
            Product = product,
            DependsOn = dependencies,
            Peers = dependencies.Where(d => d.Condition != DependencyConditions.CompletedSuccessfully).Select(d => d.Component)
                .Concat(links).Distinct(StringComparer.Ordinal).ToList(),
        };
    }

    private static JsonObject? WharfExtension(JsonNode? node, string path, ManifestFaults faults)
    {
        var wharf = ManifestFields.Object(node, path, faults);
        foreach (var (key, _) in wharf ?? [])
        {
            if (key is not ("command" or "product" or "healthcheck"))
            {
                faults.Fault(ManifestFields.Path(path, key), "unknown_key", $"{ManifestFields.Path(path, key)}: x-wharf knows command, product and healthcheck, not '{key}'");
            }
        }

        return wharf;
    }

    private static List<string>? Command(JsonObject service, JsonObject? wharf, string path, ManifestFaults faults)
    {
        if (wharf?["command"] is { } own)
        {
            var ownPath = $"{path}.x-wharf.command";
            var words = own switch
            {
                JsonArray list => ManifestFields.Strings(list, ownPath, faults),
                JsonValue when ManifestFields.Text(own) is { Length: > 0 } text => CommandLine.Shell(text).ToList(),
                _ => null,
            };
            return NotEmpty(words, ownPath, faults);
        }

        var entrypoint = Part(service["entrypoint"], $"{path}.entrypoint", faults);
        var command = Part(service["command"], $"{path}.command", faults);
        if (entrypoint is null && command is null)
        {
            faults.Fault(path, "required", $"{path}: nothing to run: set x-wharf.command (Wharf has no container driver yet; image is not run)");
            return null;
        }

        var parts = new[] { entrypoint, command }.Where(p => p is not null).Select(p => p!.Value).ToList();
        if (parts.All(p => p.Words is not null))
        {
            return NotEmpty(parts.SelectMany(p => p.Words!).ToList(), command is null ? $"{path}.entrypoint" : $"{path}.command", faults);
        }

        // Some part needs a shell: hand the shell the whole line, list parts quoted word by word.
        var line = string.Join(' ', parts.Select(p => p.Text ?? string.Join(' ', p.Words!.Select(CommandLine.Quote))));
        return CommandLine.Shell(line).ToList();
    }

    /// <summary>An entrypoint or command: its words, or (for text only a shell can run) its text.</summary>
    private static (List<string>? Words, string? Text)? Part(JsonNode? node, string path, ManifestFaults faults)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonArray list:
                return ManifestFields.Strings(list, path, faults) is { } words ? (words, null) : null;
            case JsonValue when ManifestFields.Text(node) is { } text:
                return CommandLine.Split(text) is { } split ? (split, null) : (null, text);
            default:
                faults.Fault(path, "invalid", $"{path} must be a list of arguments or a command line");
                return null;
        }
    }

    private static List<string>? NotEmpty(List<string>? words, string path, ManifestFaults faults)
    {
        if (words is { Count: > 0 } && words[0].Length > 0)
        {
            return words;
        }

        if (words is not null)
        {
            faults.Fault(path, "required", $"{path}: the command is empty");
        }
        else
        {
            faults.Fault(path, "invalid", $"{path} must be a list of arguments or a shell command");
        }

        return null;
    }

    private static Dictionary<string, string> Environment(JsonNode? node, string path, ComposeContext context)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        var faults = context.Faults;
        void Set(string key, string? value, string field)
        {
            if (!EnvironmentName().IsMatch(key))
            {
                faults.Fault(field, "invalid_name", $"{field}: '{key}' is not a variable name (letters, digits and '_', not starting with a digit)");
            }
            else if (value is not null)
            {
                environment[key] = value;
            }
            else if (context.Variables.TryGetValue(key, out var inherited))
            {
                environment[key] = inherited;
            }
            else
            {
                faults.Warn(field, "unset_variable", $"{field}: {key} has no value and is not in the .env; it is left out");
            }
        }

        switch (node)
        {
            case null:
                break;
            case JsonObject map:
                foreach (var (key, value) in map)
                {
                    var field = ManifestFields.Path(path, key);
                    if (value is not null and not JsonValue)
                    {
                        faults.Fault(field, "invalid", $"{field}: a variable's value is text");
                        continue;
                    }

                    Set(key, ManifestFields.Text(value), field);
                }

                break;
            case JsonArray list:
                for (var i = 0; i < list.Count; i++)
                {
                    var field = $"{path}[{i}]";
                    if (ManifestFields.Text(list[i]) is not { } item)
                    {
                        faults.Fault(field, "invalid", $"{field}: an item is KEY=VALUE or KEY");
                        continue;
                    }

                    var equals = item.IndexOf('=', StringComparison.Ordinal);
                    Set(equals < 0 ? item : item[..equals], equals < 0 ? null : item[(equals + 1)..], field);
                }

                break;
            default:
                faults.Fault(path, "invalid", $"{path} must be a mapping or a list of KEY=VALUE");
                break;
        }

        return environment;
    }

    private static ApplicationHealthCheck? Health(JsonObject service, JsonObject? wharf, string path, List<(ApplicationPort Port, int Target)> ports, ManifestFaults faults)
    {
        if (ManifestFields.Object(wharf?["healthcheck"], $"{path}.x-wharf.healthcheck", faults) is { } own)
        {
            return ComposeHealth.Wharf(own, $"{path}.x-wharf.healthcheck", ports, faults);
        }

        return ManifestFields.Object(service["healthcheck"], $"{path}.healthcheck", faults) is { } check
            ? ComposeHealth.Compose(check, $"{path}.healthcheck", faults)
            : null;
    }

    [GeneratedRegex("^[a-z0-9]([a-z0-9._-]{0,98}[a-z0-9])?$")]
    private static partial Regex ServiceName();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvironmentName();
}
