using System.Text.Json;
using System.Text.RegularExpressions;
using Wharf.Domain.Catalog;
using Wharf.Domain.Jobs;
using Wharf.Domain.Validation;

namespace Wharf.Server.Catalog;

/// <summary>What makes an application definition acceptable; every problem is returned at once, each naming its field.</summary>
internal static partial class ApplicationRules
{
    /// <summary>Replaces nulls a document may carry for optional lists and maps with empty ones.</summary>
    public static ApplicationDefinition Normalize(ApplicationDefinition application) => application with
    {
        Name = application.Name ?? "",
        Version = application.Version ?? "",
        Command = application.Command ?? [],
        Parameters = application.Parameters?.Select(p => p is null ? null! : p with { Options = p.Options ?? [] }).ToList() ?? [],
        Ports = application.Ports ?? [],
        Environment = application.Environment ?? new Dictionary<string, string>(),
        Properties = application.Properties ?? [],
        Templates = application.Templates ?? [],
        Packages = application.Packages ?? [],
        HookTimeouts = application.HookTimeouts ?? new Dictionary<string, int>(),
    };

    public static IReadOnlyList<ValidationError> Check(ApplicationDefinition application)
    {
        ArgumentNullException.ThrowIfNull(application);
        var errors = new List<ValidationError>();
        if (string.IsNullOrEmpty(application.Name))
        {
            errors.Add(new("name", "required", "an application needs a name"));
        }
        else if (!Name().IsMatch(application.Name))
        {
            errors.Add(new("name", "invalid_name", "a name is 1–100 lower-case letters, digits, '.', '_' and '-', starting and ending with a letter or digit"));
        }

        if (string.IsNullOrEmpty(application.Version))
        {
            errors.Add(new("version", "required", "an application needs a version"));
        }
        else if (!Version().IsMatch(application.Version))
        {
            errors.Add(new("version", "invalid_version", "a version is 1–64 letters, digits, '.', '_', '+' and '-', starting with a letter or digit"));
        }

        if (application.Command.Count == 0 || string.IsNullOrWhiteSpace(application.Command[0]))
        {
            errors.Add(new("command", "required", "an application needs a command: the program, then its arguments"));
        }

        for (var i = 0; i < application.Command.Count; i++)
        {
            if (application.Command[i] is null)
            {
                errors.Add(new($"command[{i}]", "required", "a command argument may not be null"));
            }
        }

        if (application.MaxReplicas is < 1 or > 1000)
        {
            errors.Add(new("maxReplicas", "out_of_range", "maxReplicas is between 1 and 1000"));
        }

        if (application.Queue is not null && !Queue().IsMatch(application.Queue))
        {
            errors.Add(new("queue", "invalid_queue", "a queue name is 1–63 lower-case letters, digits, '-' and '_'"));
        }

        CheckParameters(application.Parameters, errors);
        LifecycleRules.Check(application, errors);
        CheckPorts(application.Ports, errors);
        foreach (var (key, value) in application.Environment)
        {
            if (!EnvironmentName().IsMatch(key))
            {
                errors.Add(new($"environment.{key}", "invalid_name", "an environment variable name is letters, digits and '_', not starting with a digit"));
            }
            else if (value is null)
            {
                errors.Add(new($"environment.{key}", "required", "an environment variable needs a value"));
            }
        }

        return errors;
    }

    private static void CheckParameters(IReadOnlyList<ApplicationParameter> parameters, List<ValidationError> errors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < parameters.Count; i++)
        {
            var path = $"parameters[{i}]";
            var parameter = parameters[i];
            if (parameter is null)
            {
                errors.Add(new(path, "required", "a parameter may not be null"));
                continue;
            }

            if (string.IsNullOrEmpty(parameter.Name))
            {
                errors.Add(new($"{path}.name", "required", "a parameter needs a name"));
            }
            else if (!Identifier().IsMatch(parameter.Name))
            {
                errors.Add(new($"{path}.name", "invalid_name", "a parameter name is an identifier: letters, digits and '_', not starting with a digit, at most 64"));
            }
            else if (!seen.Add(parameter.Name))
            {
                errors.Add(new($"{path}.name", "duplicate_name", $"another parameter is also named '{parameter.Name}'"));
            }

            if (string.IsNullOrEmpty(parameter.Type))
            {
                errors.Add(new($"{path}.type", "required", "a parameter needs a type"));
                continue;
            }

            if (!ParameterTypes.Declarable.Contains(parameter.Type))
            {
                errors.Add(new($"{path}.type", "unknown_type",
                    $"'{parameter.Type}' is not a parameter type; one of: {string.Join(", ", ParameterTypes.Declarable.Order(StringComparer.Ordinal))}"));
                continue;
            }

            CheckTypeDetails(path, parameter, errors);
        }
    }

    private static void CheckTypeDetails(string path, ApplicationParameter parameter, List<ValidationError> errors)
    {
        var numeric = parameter.Type is ParameterTypes.Integer or ParameterTypes.FloatingPoint;
        if (parameter.Type == ParameterTypes.Enumeration)
        {
            if (parameter.Options.Count == 0)
            {
                errors.Add(new($"{path}.options", "required", "an enumeration lists its options"));
            }
            else if (parameter.Options.Any(string.IsNullOrEmpty) || parameter.Options.Distinct(StringComparer.Ordinal).Count() != parameter.Options.Count)
            {
                errors.Add(new($"{path}.options", "invalid_options", "options are non-empty and different from each other"));
            }
        }
        else if (parameter.Options.Count > 0)
        {
            errors.Add(new($"{path}.options", "not_allowed", "only an enumeration has options"));
        }

        if (!numeric && (parameter.Min is not null || parameter.Max is not null))
        {
            errors.Add(new($"{path}.min", "not_allowed", "only integer and floating_point parameters have min and max"));
        }
        else if (parameter.Min is { } min && parameter.Max is { } max && min > max)
        {
            errors.Add(new($"{path}.min", "out_of_range", "min is larger than max"));
        }

        if (parameter.DefaultValue is { } value && !DefaultFits(parameter, value))
        {
            errors.Add(new($"{path}.defaultValue", "wrong_type", $"the default value does not fit type '{parameter.Type}'"));
        }
    }

    private static bool DefaultFits(ApplicationParameter parameter, JsonElement value) => parameter.Type switch
    {
        _ when value.ValueKind == JsonValueKind.Null => true,
        ParameterTypes.Text or ParameterTypes.TextArea or ParameterTypes.File or ParameterTypes.Directory => value.ValueKind == JsonValueKind.String,
        ParameterTypes.Boolean => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        ParameterTypes.Integer => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        ParameterTypes.FloatingPoint => value.ValueKind == JsonValueKind.Number,
        ParameterTypes.Enumeration => value.ValueKind == JsonValueKind.String && parameter.Options.Contains(value.GetString()!, StringComparer.Ordinal),
        _ => false,
    };

    private static void CheckPorts(IReadOnlyList<ApplicationPort> ports, List<ValidationError> errors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ports.Count; i++)
        {
            var path = $"ports[{i}]";
            var port = ports[i];
            if (port is null)
            {
                errors.Add(new(path, "required", "a port may not be null"));
                continue;
            }

            if (string.IsNullOrEmpty(port.Name))
            {
                errors.Add(new($"{path}.name", "required", "a port needs a name"));
            }
            else if (!PortName().IsMatch(port.Name))
            {
                errors.Add(new($"{path}.name", "invalid_name", "a port name is a DNS label: 1–63 lower-case letters, digits and '-', not starting or ending with '-'"));
            }
            else if (!seen.Add(port.Name))
            {
                errors.Add(new($"{path}.name", "duplicate_name", $"another port is also named '{port.Name}'"));
            }

            if (port.Protocol is not (null or "tcp" or "udp"))
            {
                errors.Add(new($"{path}.protocol", "invalid_protocol", "a port's protocol is tcp or udp"));
            }
        }
    }

    [GeneratedRegex("^[a-z0-9]([a-z0-9._-]{0,98}[a-z0-9])?$")]
    private static partial Regex Name();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$")]
    private static partial Regex Version();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,63}$")]
    private static partial Regex Identifier();

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex PortName();

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,62}$")]
    private static partial Regex Queue();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvironmentName();
}
