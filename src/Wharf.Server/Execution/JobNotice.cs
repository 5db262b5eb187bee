using Wharf.Domain.Jobs;
using Wharf.Storage;

namespace Wharf.Server.Execution;

/// <summary>Something the store saved that the server's in-memory parts must hear of, published right after the save.</summary>
internal abstract record JobNotice
{
    /// <summary>True when the change was made by another server sharing the database (see <see cref="ChangeRelay"/>).</summary>
    public bool Relayed { get; init; }

    /// <summary>A job was created or changed; <paramref name="Job"/> is as saved (its history may hold only the newest entry).</summary>
    /// <param name="Job">The job after the save.</param>
    /// <param name="Update">The history entry the save appended.</param>
    /// <param name="Transition">The transition taken, or null for a creation or a change that kept the state.</param>
    public sealed record Changed(Job Job, JobUpdate Update, JobTransition? Transition) : JobNotice;

    /// <summary>A queue was renumbered: these jobs have new positions and versions.</summary>
    public sealed record Renumbered(string Queue, IReadOnlyList<QueuePosition> Positions) : JobNotice;
}
