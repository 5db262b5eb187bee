using Wharf.Domain.Jobs;

namespace Wharf.Domain.Groups;

/// <summary>
/// A job group: a multi-component application created from one manifest (a compose file, an ICOS descriptor), whose
/// components are jobs wired as peers by component name and controlled as one. The jobs stay ordinary jobs; the group
/// records which job runs each component now, and the manifest it was made from.
/// </summary>
public sealed record JobGroup
{
    /// <summary>The group's id: 32 lower-case hex digits (a random UUID; Tycho's <c>sid</c>).</summary>
    public required string Id { get; init; }

    /// <summary>Who created it, and for which project; its jobs have the same owner.</summary>
    public required Owner Owner { get; init; }

    /// <summary>The manifest's kind (<c>compose</c>, <c>icos</c>).</summary>
    public required string Kind { get; init; }

    /// <summary>The application's name.</summary>
    public required string Name { get; init; }

    /// <summary>What the application is, when the manifest says.</summary>
    public string? Description { get; init; }

    /// <summary>The manifest as sent (compose YAML/JSON, ICOS YAML).</summary>
    public required string Manifest { get; init; }

    /// <summary>The compose <c>.env</c> text, when one was sent.</summary>
    public string? Env { get; init; }

    /// <summary>Whether the group is wanted running.</summary>
    public GroupState State { get; init; } = GroupState.Active;

    /// <summary>The job running each component now, in the manifest's start order.</summary>
    public IReadOnlyList<GroupMember> Members { get; init; } = [];

    /// <summary>What a door keeps with the group (Tycho's username), as given.</summary>
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    /// <summary>A digest of each component as the manifest defined it, by name: an update renews the components whose digest changed.</summary>
    public IReadOnlyDictionary<string, string> ComponentDigests { get; init; } = new Dictionary<string, string>();

    /// <summary>Counts manifest changes: 1 at creation, +1 at every update with a new manifest.</summary>
    public long Generation { get; init; } = 1;

    /// <summary>When it was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Advances with every saved change; the store compares it to refuse lost updates.</summary>
    public long Version { get; init; }

    /// <summary>The job of <paramref name="component"/>, or null.</summary>
    public string? JobOf(string component) =>
        Members.FirstOrDefault(m => string.Equals(m.Component, component, StringComparison.Ordinal))?.JobId;
}

/// <summary>The job that runs one component of a group.</summary>
/// <param name="Component">The component's name.</param>
/// <param name="JobId">The job's id.</param>
public sealed record GroupMember(string Component, string JobId);

/// <summary>Whether a group is wanted running; its jobs' states say how it is doing (see <see cref="GroupHealth"/>).</summary>
public enum GroupState
{
    /// <summary>Its jobs should run (set at creation and update).</summary>
    Active,

    /// <summary>Stop was asked: its jobs are terminated and not restarted; it may be updated (started) again or deleted.</summary>
    Stopped,

    /// <summary>Deleted: its jobs are terminated and it is no longer listed.</summary>
    Deleted,
}
