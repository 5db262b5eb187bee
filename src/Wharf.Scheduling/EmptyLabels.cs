using System.Collections.ObjectModel;

namespace Wharf.Scheduling;

/// <summary>The shared empty label set.</summary>
internal static class EmptyLabels
{
    public static readonly IReadOnlyDictionary<string, string> Instance =
        new ReadOnlyDictionary<string, string>(new Dictionary<string, string>(StringComparer.Ordinal));
}
