using System.Globalization;
using System.Text.Json;
using Wharf.Domain.Catalog;
using Wharf.Domain.Jobs;

namespace Wharf.Cli;

/// <summary>
/// Turns what <c>wharf run</c> was given into a <see cref="JobSpecification"/>: the application by name (its newest
/// version when none is named), the product by <c>PROVIDER/CATEGORY/ID</c> or a unique id, and each <c>--param k=v</c>
/// typed by the application's declaration of <c>k</c>. Anything that cannot be resolved is a <see cref="UsageException"/>
/// naming the option; what only the server can judge (a value out of range, an unknown peer) is left to it.
/// </summary>
internal static class JobRequestBuilder
{
    /// <summary>Splits <c>NAME[@VERSION]</c>.</summary>
    public static (string Name, string? Version) SplitApplication(string text)
    {
        var at = text.IndexOf('@', StringComparison.Ordinal);
        var (name, version) = at < 0 ? (text, null) : (text[..at], text[(at + 1)..]);
        if (string.IsNullOrWhiteSpace(name) || (version is not null && string.IsNullOrWhiteSpace(version)))
        {
            throw new UsageException($"'{text}' is not an application (expected NAME or NAME@VERSION)");
        }

        return (name.Trim(), version?.Trim());
    }

    /// <summary>The newest version of <paramref name="name"/> among <paramref name="applications"/>.</summary>
    public static ApplicationDefinition Newest(IReadOnlyList<ApplicationDefinition> applications, string name)
    {
        var versions = applications.Where(a => string.Equals(a.Name, name, StringComparison.Ordinal)).ToList();
        if (versions.Count == 0)
        {
            var known = applications.Select(a => a.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            throw new UsageException($"no application is named '{name}'" + (known.Count == 0 ? "" : $" (there are: {string.Join(", ", known)})"));
        }

        return versions.OrderBy(a => a.Version, VersionOrder.Instance).Last();
    }

    /// <summary>The product named by <paramref name="text"/> (<c>PROVIDER/CATEGORY/ID</c>, or an id only one product has), or the only product when null.</summary>
    public static ProductReference ResolveProduct(IReadOnlyList<Product> products, string? text)
    {
        string Listing() => products.Count == 0 ? "none is registered" : "one of: " + string.Join(", ", products.Select(p => p.Reference.ToString()));
        if (string.IsNullOrWhiteSpace(text))
        {
            return products.Count == 1
                ? products[0].Reference
                : throw new UsageException($"--product is needed when there is not exactly one product ({Listing()})");
        }

        var parts = text.Split('/');
        if (parts.Length == 3 && parts.All(p => p.Length > 0))
        {
            return new ProductReference(parts[2], parts[1], parts[0]);
        }

        if (parts.Length != 1)
        {
            throw new UsageException($"--product: '{text}' is not PROVIDER/CATEGORY/ID or an ID");
        }

        var matching = products.Where(p => string.Equals(p.Id, text, StringComparison.Ordinal)).ToList();
        return matching.Count switch
        {
            1 => matching[0].Reference,
            0 => throw new UsageException($"--product: no product has the id '{text}' ({Listing()})"),
            _ => throw new UsageException($"--product: several products have the id '{text}'; name one as PROVIDER/CATEGORY/ID ({Listing()})"),
        };
    }

    /// <summary>The <c>--param NAME=VALUE</c> values, typed by <paramref name="application"/>'s parameters.</summary>
    public static Dictionary<string, AppParameterValue> Parameters(ApplicationDefinition application, IEnumerable<string> pairs)
    {
        var values = new Dictionary<string, AppParameterValue>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var (name, value) = SplitPair(pair, "--param", "NAME=VALUE");
            var parameter = application.FindParameter(name) ?? throw new UsageException(
                $"--param: {application.Name}@{application.Version} has no parameter '{name}'" + (application.Parameters.Count == 0
                    ? " (it has none)"
                    : $" (it has: {string.Join(", ", application.Parameters.Select(p => $"{p.Name} ({p.Type})"))})"));
            if (!values.TryAdd(name, Typed(parameter, value)))
            {
                throw new UsageException($"--param: '{name}' is given twice");
            }
        }

        return values;
    }

    /// <summary>The <c>--peer HOST=JOBID</c> resources.</summary>
    public static List<AppParameterValue> Peers(IEnumerable<string> pairs) =>
        [.. pairs.Select(pair => SplitPair(pair, "--peer", "HOST=JOBID")).Select(p => AppParameterValue.Peer(p.Name, p.Value))];

    private static AppParameterValue Typed(ApplicationParameter parameter, string value)
    {
        var problem = $"--param {parameter.Name}: '{value}' is not";
        return parameter.Type switch
        {
            ParameterTypes.Integer => long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole)
                ? AppParameterValue.Integer(whole)
                : throw new UsageException($"{problem} a whole number"),
            ParameterTypes.FloatingPoint => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
                ? Scalar(ParameterTypes.FloatingPoint, number)
                : throw new UsageException($"{problem} a number"),
            ParameterTypes.Boolean => value.ToLowerInvariant() switch
            {
                "true" or "yes" or "1" or "on" => AppParameterValue.Boolean(true),
                "false" or "no" or "0" or "off" => AppParameterValue.Boolean(false),
                _ => throw new UsageException($"{problem} true or false"),
            },
            ParameterTypes.File or ParameterTypes.Directory => new AppParameterValue { Type = parameter.Type, Path = value, ReadOnly = false },
            // A peer parameter is reached under the parameter's own name, as UCloud's peer parameters are.
            ParameterTypes.Peer => AppParameterValue.Peer(parameter.Name, value),
            ParameterTypes.Enumeration or ParameterTypes.TextArea => Scalar(parameter.Type, value),
            _ => AppParameterValue.Text(value),
        };
    }

    private static AppParameterValue Scalar<T>(string type, T value) => new() { Type = type, Value = JsonSerializer.SerializeToElement(value) };

    private static (string Name, string Value) SplitPair(string pair, string option, string shape)
    {
        var equals = pair.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0 || string.IsNullOrWhiteSpace(pair[..equals]))
        {
            throw new UsageException($"{option}: '{pair}' is not {shape}");
        }

        return (pair[..equals].Trim(), pair[(equals + 1)..]);
    }

    /// <summary>Versions in the order people mean: numeric parts as numbers (1.10.0 after 1.9.0), the rest as text.</summary>
    private sealed class VersionOrder : IComparer<string>
    {
        public static readonly VersionOrder Instance = new();

        public int Compare(string? x, string? y)
        {
            var left = (x ?? "").Split('.', '-', '+');
            var right = (y ?? "").Split('.', '-', '+');
            for (var i = 0; i < Math.Min(left.Length, right.Length); i++)
            {
                var order = long.TryParse(left[i], NumberStyles.None, CultureInfo.InvariantCulture, out var a)
                    && long.TryParse(right[i], NumberStyles.None, CultureInfo.InvariantCulture, out var b)
                    ? a.CompareTo(b)
                    : string.CompareOrdinal(left[i], right[i]);
                if (order != 0)
                {
                    return order;
                }
            }

            return left.Length.CompareTo(right.Length);
        }
    }
}
