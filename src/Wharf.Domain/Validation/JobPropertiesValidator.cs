using Wharf.Domain.Catalog;
using Wharf.Domain.Jobs;

namespace Wharf.Domain.Validation;

/// <summary>
/// Checks a job's <c>properties</c> against its application's: every property without a default that is not optional is set, none is
/// unknown, each value has the declared type. Each problem names the property (<c>properties.access_key</c>).
/// </summary>
internal static class JobPropertiesValidator
{
    public static void Check(JobSpecification spec, string prefix, ApplicationDefinition application, List<ValidationError> errors)
    {
        var given = spec.Properties ?? new Dictionary<string, System.Text.Json.JsonElement>();
        foreach (var property in application.Properties)
        {
            var path = $"{prefix}.properties.{property.Name}";
            if (!given.TryGetValue(property.Name, out var value))
            {
                if (property.Default is null && !property.Optional)
                {
                    errors.Add(new(path, "required", $"property '{property.Name}' is required: {property.Description ?? "it has no default"}"));
                }
            }
            else if (!property.Accepts(value))
            {
                errors.Add(new(path, "invalid_type", $"property '{property.Name}' is a {property.Type}, not a {value.ValueKind.ToString().ToLowerInvariant()}"));
            }
        }

        foreach (var name in given.Keys.Where(k => application.Properties.All(p => p.Name != k)).Order(StringComparer.Ordinal))
        {
            errors.Add(new($"{prefix}.properties.{name}", "unknown_property", $"application {application.Name}@{application.Version} has no property '{name}'"));
        }
    }
}
