using System.Globalization;

namespace Wharf.Domain.Jobs;

/// <summary>
/// References between the items of one creation request: a peer or dependency whose job id is <c>#n</c> names item n
/// of the same request (a job group's member naming a sibling), resolved by the store once item n has its id.
/// </summary>
public static class ItemReferences
{
    /// <summary>The reference to item <paramref name="index"/>.</summary>
    public static string To(int index) => "#" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>The item a job id refers to, or null when it is an ordinary id.</summary>
    public static int? IndexOf(string? jobId) =>
        jobId is ['#', .. var digits] && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : null;

    /// <summary>True when <paramref name="spec"/> refers to another item of its request.</summary>
    public static bool Any(JobSpecification spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return (spec.Resources ?? []).Any(r => IndexOf(r?.JobId) is not null)
            || (spec.Parameters?.Values ?? []).Any(p => IndexOf(p?.JobId) is not null)
            || (spec.DependsOn ?? []).Any(d => IndexOf(d?.JobId) is not null);
    }

    /// <summary>
    /// <paramref name="spec"/> with every item reference replaced by the id of the item it names. Throws
    /// <see cref="InvalidOperationException"/> for a reference to an item without an id yet (a later one).
    /// </summary>
    public static JobSpecification Bind(JobSpecification spec, IReadOnlyList<string> earlierIds)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(earlierIds);
        if (!Any(spec))
        {
            return spec;
        }

        string Resolve(string? id) => IndexOf(id) is { } index
            ? index < earlierIds.Count ? earlierIds[index] : throw new InvalidOperationException($"item reference {id} names an item that comes later")
            : id!;

        AppParameterValue BindValue(AppParameterValue value) =>
            value is not null && IndexOf(value.JobId) is not null ? value with { JobId = Resolve(value.JobId) } : value!;

        return spec with
        {
            Resources = spec.Resources?.Select(BindValue).ToList(),
            Parameters = spec.Parameters?.ToDictionary(p => p.Key, p => BindValue(p.Value), StringComparer.Ordinal),
            DependsOn = spec.DependsOn?.Select(d => d is not null && IndexOf(d.JobId) is not null ? d with { JobId = Resolve(d.JobId) } : d!).ToList(),
        };
    }
}
