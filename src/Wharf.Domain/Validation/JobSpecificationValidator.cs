using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Wharf.Domain.Catalog;
using Wharf.Domain.Jobs;

namespace Wharf.Domain.Validation;

/// <summary>
/// Checks a <see cref="JobSpecification"/> against the catalog and the peers the caller may see, and returns every
/// problem at once, each naming its field under <c>prefix</c> (for bulk requests, <c>items[3]</c>).
/// </summary>
public static partial class JobSpecificationValidator
{
    /// <summary>The longest job name UCloud allows.</summary>
    public const int MaxNameLength = 200;

    /// <summary>Validates <paramref name="spec"/>; an empty list means it is valid.</summary>
    /// <param name="spec">The specification.</param>
    /// <param name="prefix">The path of the specification in the request.</param>
    /// <param name="catalog">The catalog as of this request.</param>
    /// <param name="findPeer">Finds a job the caller may see by id; null when it does not exist or is not visible.</param>
    public static IReadOnlyList<ValidationError> Validate(
        JobSpecification spec, string prefix, ICatalogView catalog, Func<string, PeerView?> findPeer)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(findPeer);
        var errors = new List<ValidationError>();
        var application = CheckApplication(spec, prefix, catalog, errors);
        CheckProduct(spec, prefix, catalog, errors);
        CheckName(spec, prefix, errors);
        CheckReplicas(spec, prefix, application, errors);
        CheckTimeAllocation(spec, prefix, errors);
        CheckQueue(spec, prefix, errors);
        CallbackValidator.Check(spec, prefix, errors);
        if (application is not null)
        {
            CheckParameters(spec, prefix, application, findPeer, errors);
            JobPropertiesValidator.Check(spec, prefix, application, errors);
        }

        CheckResources(spec, prefix, findPeer, errors);
        return errors;
    }

    private static ApplicationDefinition? CheckApplication(JobSpecification spec, string prefix, ICatalogView catalog, List<ValidationError> errors)
    {
        var path = $"{prefix}.application";
        if (spec.Application is null)
        {
            errors.Add(new(path, "required", "an application {name, version} is required"));
            return null;
        }

        if (string.IsNullOrWhiteSpace(spec.Application.Name))
        {
            errors.Add(new($"{path}.name", "required", "the application's name is required"));
        }

        if (string.IsNullOrWhiteSpace(spec.Application.Version))
        {
            errors.Add(new($"{path}.version", "required", "the application's version is required"));
        }

        if (string.IsNullOrWhiteSpace(spec.Application.Name) || string.IsNullOrWhiteSpace(spec.Application.Version))
        {
            return null;
        }

        var found = spec.Definition ?? catalog.FindApplication(spec.Application.Name, spec.Application.Version);
        if (found is null)
        {
            if (catalog.HasApplicationNamed(spec.Application.Name))
            {
                errors.Add(new($"{path}.version", "unknown_application_version",
                    $"application '{spec.Application.Name}' has no version '{spec.Application.Version}'"));
            }
            else
            {
                errors.Add(new($"{path}.name", "unknown_application", $"there is no application named '{spec.Application.Name}'"));
            }
        }

        return found;
    }

    private static void CheckProduct(JobSpecification spec, string prefix, ICatalogView catalog, List<ValidationError> errors)
    {
        var path = $"{prefix}.product";
        if (spec.Product is null)
        {
            errors.Add(new(path, "required", "a product {id, category, provider} is required"));
            return;
        }

        var missing = false;
        foreach (var (field, value) in new[] { ("id", spec.Product.Id), ("category", spec.Product.Category), ("provider", spec.Product.Provider) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                errors.Add(new($"{path}.{field}", "required", $"the product's {field} is required"));
                missing = true;
            }
        }

        if (!missing && catalog.FindProduct(spec.Product) is null)
        {
            errors.Add(new(path, "unknown_product", $"there is no product {spec.Product}"));
        }
    }

    private static void CheckName(JobSpecification spec, string prefix, List<ValidationError> errors)
    {
        if (spec.Name is null)
        {
            return;
        }

        if (spec.Name.Length == 0 || spec.Name.Length > MaxNameLength || !NamePattern().IsMatch(spec.Name))
        {
            errors.Add(new($"{prefix}.name", "invalid_name",
                $"a job name is 1–{MaxNameLength} letters, digits, spaces and ( ) : _ -"));
        }
    }

    private static void CheckReplicas(JobSpecification spec, string prefix, ApplicationDefinition? application, List<ValidationError> errors)
    {
        var max = application?.MaxReplicas ?? 1000;
        if (spec.Replicas < 1 || spec.Replicas > max)
        {
            errors.Add(new($"{prefix}.replicas", "out_of_range", $"replicas must be between 1 and {max}"));
        }
    }

    private static void CheckTimeAllocation(JobSpecification spec, string prefix, List<ValidationError> errors)
    {
        if (spec.TimeAllocation is not { } allocation)
        {
            return;
        }

        var path = $"{prefix}.timeAllocation";
        if (allocation.Hours < 0 || allocation.Minutes < 0 || allocation.Seconds < 0)
        {
            errors.Add(new(path, "negative", "hours, minutes and seconds may not be negative"));
            return;
        }

        var total = allocation.TotalSecondsOrNull();
        if (total is null or > 100L * 365 * 24 * 3600)
        {
            errors.Add(new(path, "out_of_range", "the time allocation is larger than 100 years"));
        }
        else if (total <= 0)
        {
            errors.Add(new(path, "must_be_positive", "a time allocation must be longer than zero; leave it null for no limit"));
        }
    }

    private static void CheckQueue(JobSpecification spec, string prefix, List<ValidationError> errors)
    {
        if (spec.Queue is not null && !QueuePattern().IsMatch(spec.Queue))
        {
            errors.Add(new($"{prefix}.queue", "invalid_queue", "a queue name is 1–63 lower-case letters, digits, '-' and '_'"));
        }
    }

    private static void CheckParameters(
        JobSpecification spec, string prefix, ApplicationDefinition application, Func<string, PeerView?> findPeer, List<ValidationError> errors)
    {
        var given = spec.Parameters ?? new Dictionary<string, AppParameterValue>();
        foreach (var declared in application.Parameters)
        {
            if (!given.ContainsKey(declared.Name) && !declared.Optional && declared.DefaultValue is null)
            {
                errors.Add(new($"{prefix}.parameters.{declared.Name}", "required",
                    $"parameter '{declared.Name}' ({declared.Type}) is required by {application.Name}@{application.Version}"));
            }
        }

        foreach (var (name, value) in given)
        {
            var path = $"{prefix}.parameters.{name}";
            var declared = application.FindParameter(name);
            if (declared is null)
            {
                errors.Add(new(path, "unknown_parameter", $"{application.Name}@{application.Version} has no parameter '{name}'"));
                continue;
            }

            if (value is null)
            {
                errors.Add(new(path, "required", $"parameter '{name}' has no value"));
                continue;
            }

            CheckValue(path, declared, value, findPeer, errors);
        }
    }

    private static void CheckValue(string path, ApplicationParameter declared, AppParameterValue value, Func<string, PeerView?> findPeer, List<ValidationError> errors)
    {
        if (!TypeFits(declared.Type, value.Type))
        {
            errors.Add(new($"{path}.type", "wrong_type", $"expected a value of type '{declared.Type}', got '{value.Type ?? "(none)"}'"));
            return;
        }

        switch (declared.Type)
        {
            case ParameterTypes.File or ParameterTypes.Directory:
                CheckPath(path, value.Path, errors);
                break;
            case ParameterTypes.Peer:
                CheckPeer(path, value, findPeer, errors);
                break;
            case ParameterTypes.Text or ParameterTypes.TextArea:
                if (value.Value is not { ValueKind: JsonValueKind.String })
                {
                    errors.Add(new($"{path}.value", "wrong_type", "expected a string"));
                }

                break;
            case ParameterTypes.Boolean:
                if (value.Value is not { ValueKind: JsonValueKind.True or JsonValueKind.False })
                {
                    errors.Add(new($"{path}.value", "wrong_type", "expected true or false"));
                }

                break;
            case ParameterTypes.Integer:
                if (value.Value is not { ValueKind: JsonValueKind.Number } integer || !integer.TryGetInt64(out var whole))
                {
                    errors.Add(new($"{path}.value", "wrong_type", "expected a whole number"));
                }
                else
                {
                    CheckRange(path, declared, whole, errors);
                }

                break;
            case ParameterTypes.FloatingPoint:
                if (value.Value is not { ValueKind: JsonValueKind.Number } number)
                {
                    errors.Add(new($"{path}.value", "wrong_type", "expected a number"));
                }
                else
                {
                    CheckRange(path, declared, number.GetDouble(), errors);
                }

                break;
            case ParameterTypes.Enumeration:
                var chosen = value.Value is { ValueKind: JsonValueKind.String } s ? s.GetString() : null;
                if (chosen is null || !declared.Options.Contains(chosen, StringComparer.Ordinal))
                {
                    errors.Add(new($"{path}.value", "not_an_option", $"expected one of: {string.Join(", ", declared.Options)}"));
                }

                break;
        }
    }

    private static bool TypeFits(string declared, string? given) =>
        string.Equals(declared, given, StringComparison.Ordinal)
        || (declared == ParameterTypes.Text && given == ParameterTypes.TextArea)
        || (declared == ParameterTypes.TextArea && given == ParameterTypes.Text)
        || (declared == ParameterTypes.Enumeration && given == ParameterTypes.Text);

    private static void CheckRange(string path, ApplicationParameter declared, double value, List<ValidationError> errors)
    {
        if ((declared.Min is { } min && value < min) || (declared.Max is { } max && value > max))
        {
            errors.Add(new($"{path}.value", "out_of_range",
                $"expected a value between {declared.Min?.ToString(CultureInfo.InvariantCulture) ?? "-∞"} and {declared.Max?.ToString(CultureInfo.InvariantCulture) ?? "∞"}"));
        }
    }

    private static void CheckPath(string path, string? filePath, List<ValidationError> errors)
    {
        if (string.IsNullOrWhiteSpace(filePath))
        {
            errors.Add(new($"{path}.path", "required", "a path is required"));
        }
        else if (!filePath.StartsWith('/') || filePath.Split('/').Any(part => part is ".." or ".") || filePath.Contains('\0', StringComparison.Ordinal))
        {
            errors.Add(new($"{path}.path", "invalid_path", "a path is absolute in the file store, without '.' or '..' parts"));
        }
    }

    private static void CheckPeer(string path, AppParameterValue value, Func<string, PeerView?> findPeer, List<ValidationError> errors)
    {
        if (string.IsNullOrWhiteSpace(value.Hostname))
        {
            errors.Add(new($"{path}.hostname", "required", "a peer needs a hostname"));
        }
        else if (!HostnamePattern().IsMatch(value.Hostname))
        {
            errors.Add(new($"{path}.hostname", "invalid_hostname", "a hostname is a DNS label: 1–63 lower-case letters, digits and '-', not starting or ending with '-'"));
        }

        if (string.IsNullOrWhiteSpace(value.JobId))
        {
            errors.Add(new($"{path}.jobId", "required", "a peer needs a jobId"));
            return;
        }

        var peer = findPeer(value.JobId);
        if (peer is null)
        {
            // The same answer whether the job does not exist or belongs to another project: existence is not leaked.
            errors.Add(new($"{path}.jobId", "unknown_peer", $"there is no job '{value.JobId}' that you can use as a peer"));
        }
        else if (peer.State.IsFinal())
        {
            errors.Add(new($"{path}.jobId", "peer_not_active", $"job '{value.JobId}' is {peer.State.ToWire()} and cannot be a peer"));
        }
    }

    private static void CheckResources(JobSpecification spec, string prefix, Func<string, PeerView?> findPeer, List<ValidationError> errors)
    {
        if (spec.Resources is null)
        {
            return;
        }

        var hostnames = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in spec.Parameters ?? new Dictionary<string, AppParameterValue>())
        {
            if (value?.Type == ParameterTypes.Peer && value.Hostname is { } h)
            {
                hostnames.TryAdd(h, -1);
            }
        }

        for (var i = 0; i < spec.Resources.Count; i++)
        {
            var path = $"{prefix}.resources[{i}]";
            var resource = spec.Resources[i];
            if (resource is null)
            {
                errors.Add(new(path, "required", "a resource may not be null"));
                continue;
            }

            if (resource.Type is null || !ParameterTypes.Resources.Contains(resource.Type))
            {
                errors.Add(new($"{path}.type", "unsupported_resource", $"a resource is one of: {string.Join(", ", ParameterTypes.Resources)}"));
                continue;
            }

            if (resource.Type == ParameterTypes.Peer)
            {
                CheckPeer(path, resource, findPeer, errors);
                if (resource.Hostname is { } hostname && !hostnames.TryAdd(hostname, i))
                {
                    errors.Add(new($"{path}.hostname", "duplicate_hostname", $"hostname '{hostname}' is used by another peer of this job"));
                }
            }
            else
            {
                CheckPath(path, resource.Path, errors);
            }
        }
    }

    [GeneratedRegex(@"^[\w ():_-]+$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex HostnamePattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,62}$")]
    private static partial Regex QueuePattern();
}
