using Wharf.Domain.Groups;
using Wharf.Domain.Jobs;

namespace Wharf.Server.Groups;

/// <summary>A group with the jobs that run its components now, and its aggregate state.</summary>
/// <param name="Group">The group as stored.</param>
/// <param name="Jobs">The current member jobs, in the group's member order (a job that no longer exists is left out).</param>
/// <param name="State">The aggregate (<see cref="GroupHealth"/>).</param>
internal sealed record GroupView(JobGroup Group, IReadOnlyList<Job> Jobs, string State)
{
    /// <summary>The job running <paramref name="component"/>, or null.</summary>
    public Job? JobOf(string component) => Group.JobOf(component) is { } id ? Jobs.FirstOrDefault(j => j.Id == id) : null;
}

/// <summary>What a group operation came to.</summary>
internal abstract record GroupOutcome
{
    /// <summary>Done; the group as it is now, and what its manifest held that Wharf read but does not act on.</summary>
    public sealed record Done(GroupView View, bool Created = false) : GroupOutcome
    {
        /// <summary>The manifest's warnings (create and update only; empty otherwise).</summary>
        public IReadOnlyList<Manifests.ManifestProblem> Warnings { get; init; } = [];
    }

    /// <summary>The request or manifest is wrong; every problem, each naming its field.</summary>
    public sealed record Invalid(IReadOnlyList<Wharf.Domain.Validation.ValidationError> Errors) : GroupOutcome;

    /// <summary>No such group that the caller may see.</summary>
    public sealed record NotFound(string Id) : GroupOutcome;

    /// <summary>The operation conflicts with the group's state or another request (the code says which).</summary>
    public sealed record Conflict(string Code, string Message) : GroupOutcome;
}
