using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Wharf.Domain.Jobs;

namespace Wharf.Domain.Validation;

/// <summary>
/// A digest of what makes two jobs "the same" for <c>allowDuplicateJob: false</c>: the application and the
/// parameters. Equal digests mean equal application and parameter values, whatever the key order.
/// </summary>
public static class JobFingerprint
{
    /// <summary>The hex SHA-256 of the canonical form of the specification's application and parameters.</summary>
    public static string Compute(JobSpecification spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var builder = new StringBuilder();
        builder.Append(spec.Application?.Name).Append('\0').Append(spec.Application?.Version).Append('\0');
        foreach (var (name, value) in (spec.Parameters ?? new Dictionary<string, AppParameterValue>()).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            builder.Append(name).Append('=')
                .Append(value?.Type).Append('|').Append(value?.Path).Append('|').Append(value?.ReadOnly)
                .Append('|').Append(value?.Hostname).Append('|').Append(value?.JobId).Append('|').Append(value?.Id)
                .Append('|').Append(value?.Value is { } v ? Canonical(v) : null).Append('\0');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(builder.ToString())));
    }

    private static string Canonical(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "{" + string.Join(",", element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => JsonSerializer.Serialize(p.Name) + ":" + Canonical(p.Value))) + "}",
        JsonValueKind.Array => "[" + string.Join(",", element.EnumerateArray().Select(Canonical)) + "]",
        _ => element.GetRawText(),
    };
}
