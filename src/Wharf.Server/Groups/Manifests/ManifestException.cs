namespace Wharf.Server.Groups.Manifests;

/// <summary>A manifest that cannot become a group, with every fault found.</summary>
public sealed class ManifestException : Exception
{
    /// <summary>Creates the exception for <paramref name="problems"/> (at least one).</summary>
    public ManifestException(IReadOnlyList<ManifestProblem> problems)
        : base(problems is { Count: > 0 } ? string.Join("; ", problems.Select(p => $"{p.Field}: {p.Message}")) : "invalid manifest")
    {
        Problems = problems ?? [];
    }

    /// <summary>Creates the exception for one fault.</summary>
    public ManifestException(ManifestProblem problem)
        : this([problem])
    {
    }

    /// <summary>Every fault found.</summary>
    public IReadOnlyList<ManifestProblem> Problems { get; }
}
