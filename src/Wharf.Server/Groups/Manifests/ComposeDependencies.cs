using System.Text.Json.Nodes;
using Wharf.Domain.Jobs;

namespace Wharf.Server.Groups.Manifests;

/// <summary>A service's <c>depends_on</c> (list or mapping form) and <c>links</c>.</summary>
internal static class ComposeDependencies
{
    public static List<ComponentDependency> Read(JsonNode? node, string path, ComposeContext context)
    {
        var faults = context.Faults;
        var result = new List<ComponentDependency>();
        void Add(string service, string condition, bool required, string field)
        {
            if (context.Services.Contains(service))
            {
                if (result.All(d => d.Component != service))
                {
                    result.Add(new ComponentDependency(service, condition));
                }
            }
            else if (required)
            {
                faults.Fault(field, "unknown_service", $"{field}: there is no service '{service}'");
            }
            else
            {
                faults.Warn(field, "unknown_service", $"{field}: there is no service '{service}'; the optional dependency is dropped");
            }
        }

        switch (node)
        {
            case null:
                break;
            case JsonArray list:
                for (var i = 0; i < list.Count; i++)
                {
                    if (ManifestFields.Text(list[i]) is { } service)
                    {
                        Add(service, DependencyConditions.Started, true, $"{path}[{i}]");
                    }
                    else
                    {
                        faults.Fault($"{path}[{i}]", "invalid", $"{path}[{i}]: an item is a service name");
                    }
                }

                break;
            case JsonObject map:
                foreach (var (service, value) in map)
                {
                    var field = ManifestFields.Path(path, service);
                    var entry = ManifestFields.Object(value, field, faults);
                    var condition = ManifestFields.String(entry?["condition"], $"{field}.condition", faults) ?? DependencyConditions.Started;
                    if (!DependencyConditions.All.Contains(condition))
                    {
                        faults.Fault($"{field}.condition", "invalid", $"{field}.condition: '{condition}' is not service_started, service_healthy or service_completed_successfully");
                        continue;
                    }

                    Add(service, condition, ManifestFields.Boolean(entry?["required"], $"{field}.required", faults) ?? true, field);
                }

                break;
            default:
                faults.Fault(path, "invalid", $"{path} must be a list of services or a mapping of service to condition");
                break;
        }

        return result;
    }

    public static List<string> Links(JsonNode? node, string path, ComposeContext context)
    {
        var result = new List<string>();
        var list = ManifestFields.Array(node, path, context.Faults) ?? [];
        for (var i = 0; i < list.Count; i++)
        {
            // "db:database" links db under an alias; peers reach services by their own names only.
            var service = ManifestFields.Text(list[i])?.Split(':')[0];
            if (service is null || !context.Services.Contains(service))
            {
                context.Faults.Fault($"{path}[{i}]", "unknown_service", $"{path}[{i}]: there is no service '{service}'");
            }
            else
            {
                result.Add(service);
            }
        }

        return result;
    }
}
