using System.Text.RegularExpressions;
using Wharf.Domain.Catalog;
using Wharf.Domain.Validation;
using Wharf.Templates;

namespace Wharf.Server.Catalog;

/// <summary>What makes an application's properties and templates acceptable; part of <see cref="ApplicationRules"/>.</summary>
internal static partial class LifecycleRules
{
    private static readonly string[] Hooks = ["pre-start", "post-start", "pre-stop", "drain", "post-stop"];

    public static void Check(ApplicationDefinition application, List<ValidationError> errors)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < application.Properties.Count; i++)
        {
            var path = $"properties[{i}]";
            var property = application.Properties[i];
            if (property is null)
            {
                errors.Add(new(path, "required", "a property may not be null"));
                continue;
            }

            if (string.IsNullOrEmpty(property.Name) || !PropertyName().IsMatch(property.Name))
            {
                errors.Add(new($"{path}.name", "invalid_name", "a property name is 1–128 letters, digits, '_', '.' and '-', starting with a letter or '_'"));
            }
            else if (!names.Add(property.Name))
            {
                errors.Add(new($"{path}.name", "duplicate_name", $"another property is also named '{property.Name}'"));
            }

            if (property.Type is { } type && !ApplicationProperty.Types.Contains(type))
            {
                errors.Add(new($"{path}.type", "unknown_type", $"'{type}' is not a property type; one of: {string.Join(", ", ApplicationProperty.Types.Order(StringComparer.Ordinal))}"));
            }
            else if (property.Default is { } value && !property.Accepts(value))
            {
                errors.Add(new($"{path}.default", "invalid_type", $"the default of '{property.Name}' is not a {property.Type}"));
            }
        }

        foreach (var (hook, seconds) in application.HookTimeouts)
        {
            if (!Hooks.Contains(hook))
            {
                errors.Add(new($"hookTimeouts.{hook}", "unknown_hook", $"'{hook}' is not a hook; one of: {string.Join(", ", Hooks)}"));
            }
            else if (seconds is < 1 or > 86_400)
            {
                errors.Add(new($"hookTimeouts.{hook}", "out_of_range", "a hook timeout is 1 to 86400 seconds"));
            }
        }

        if (application.HealthCheck is { } check)
        {
            CheckHealth(check, application, errors);
        }

        var paths = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < application.Templates.Count; i++)
        {
            var path = $"templates[{i}]";
            var template = application.Templates[i];
            if (template is null)
            {
                errors.Add(new(path, "required", "a template may not be null"));
                continue;
            }

            if (!TemplateRenderer.IsSafePath(template.Path))
            {
                errors.Add(new($"{path}.path", "invalid_path", "a template's path is relative to the working folder, without '..' segments"));
            }
            else if (!paths.Add(template.Path))
            {
                errors.Add(new($"{path}.path", "duplicate_path", $"another template also renders '{template.Path}'"));
            }

            if (template.Content is null)
            {
                errors.Add(new($"{path}.content", "required", "a template needs content"));
            }
            else if (TemplateRenderer.Problem(template.Content) is { } problem)
            {
                errors.Add(new($"{path}.content", "invalid_template", problem));
            }
        }
    }

    private static void CheckHealth(ApplicationHealthCheck check, ApplicationDefinition application, List<ValidationError> errors)
    {
        if (check.Type is not ("process" or "tcp" or "http" or "command"))
        {
            errors.Add(new("healthCheck.type", "unknown_type", "a health check is process, tcp, http or command"));
        }
        else if (check.Type is "tcp" or "http" && application.Ports.All(p => p.Name != check.Port))
        {
            errors.Add(new("healthCheck.port", "unknown_port", "a tcp or http health check names one of the application's ports"));
        }
        else if (check.Type == "command" && (check.Command is not { Count: > 0 } || string.IsNullOrEmpty(check.Command[0])))
        {
            errors.Add(new("healthCheck.command", "required", "a command health check names a program"));
        }

        if (check.IntervalSeconds is < 0.05 or > 86_400 || check.TimeoutSeconds is < 0.05 or > 86_400)
        {
            errors.Add(new("healthCheck.intervalSeconds", "out_of_range", "interval and timeout are 0.05 to 86400 seconds"));
        }

        if (check.FailureThreshold is < 1 or > 1000 || check.MaxRestarts is < 0 or > 1000 || check.WindowSeconds is < 1 or > 86_400 * 7)
        {
            errors.Add(new("healthCheck.failureThreshold", "out_of_range", "failureThreshold is 1–1000, maxRestarts 0–1000, windowSeconds 1–604800"));
        }
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex PropertyName();
}
