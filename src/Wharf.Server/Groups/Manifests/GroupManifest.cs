namespace Wharf.Server.Groups.Manifests;

/// <summary>
/// A job group's manifest, read from a compose file or an ICOS application descriptor into one shape: what the group
/// is called and the components that become its jobs.
/// </summary>
/// <param name="Kind"><see cref="GroupKinds.Compose"/> or <see cref="GroupKinds.Icos"/>.</param>
/// <param name="Name">The group's name (compose: <c>name</c> or the caller's; ICOS: <c>name</c>).</param>
/// <param name="Description">What the application is, when the manifest says.</param>
/// <param name="Components">The components, ordered so that every component comes after those it depends on.</param>
public sealed record GroupManifest(string Kind, string Name, string? Description, IReadOnlyList<GroupComponent> Components)
{
    /// <summary>
    /// What was read but not honoured, as compose warns: unset variables, keys a container engine would use,
    /// dropped optional dependencies. Each names its field (and line) as a fault would; none stops the group.
    /// </summary>
    public IReadOnlyList<ManifestProblem> Warnings { get; init; } = [];
}

/// <summary>The kinds of manifest.</summary>
public static class GroupKinds
{
    /// <summary>A docker-compose file (YAML or JSON) with its <c>.env</c>.</summary>
    public const string Compose = "compose";

    /// <summary>An ICOS application descriptor.</summary>
    public const string Icos = "icos";
}
