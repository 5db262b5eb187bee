using Wharf.Domain.Jobs;
using Wharf.Domain.Serialization;
using Wharf.Storage;

namespace Wharf.Server.Execution;

/// <summary>
/// Moves a waiting job within its queue by changing its position key, as resource-queue defines it: to the front
/// (below the smallest key), to the back (above the largest), or before or after another job (the midpoint of the
/// two keys around the gap). When no whole number fits in the gap, the queue is renumbered first — in one
/// transaction, keeping its order — and the move computed again; so moves never collide and never lose the order,
/// however often a job goes between the same two. Moves on one server go one at a time.
/// </summary>
internal sealed class QueueMoves(ExecutionIndex index, IWharfStore store, TimeProvider time)
{
    /// <summary>The gap between keys after a renumbering (as the store leaves between new jobs).</summary>
    public const long Spacing = 1024;
    private const int Attempts = 8;

    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    /// <summary>Where a move goes.</summary>
    public enum Target
    {
        /// <summary>Before every other waiting job of the queue.</summary>
        Front,

        /// <summary>After every other waiting job of the queue.</summary>
        Back,

        /// <summary>Just before another job.</summary>
        Before,

        /// <summary>Just after another job.</summary>
        After,
    }

    /// <summary>The result of a move.</summary>
    public abstract record Outcome
    {
        /// <summary>The job is at <paramref name="Priority"/> in <paramref name="Queue"/>.</summary>
        public sealed record Moved(string Queue, long Priority) : Outcome;

        /// <summary>The job (or the other job) does not wait, so it has no place to move to or from.</summary>
        public sealed record NotWaiting(string JobId) : Outcome;

        /// <summary>The other job waits in another queue.</summary>
        public sealed record OtherQueue(string Queue) : Outcome;

        /// <summary>The queue kept changing under the move.</summary>
        public sealed record Conflict : Outcome;
    }

    /// <summary>Moves <paramref name="job"/> (already found and visible to the caller) to <paramref name="target"/>.</summary>
    public async Task<Outcome> MoveAsync(Job job, Target target, Job? other, CancellationToken cancellationToken)
    {
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            for (var attempt = 0; attempt < Attempts; attempt++)
            {
                if (job.Status.State != JobState.InQueue || index.Neighbours(job.Id, other?.Id) is not { } around)
                {
                    return new Outcome.NotWaiting(job.Id);
                }

                if (other is not null && around.Anchor is null)
                {
                    return other.Status.Queue != job.Status.Queue ? new Outcome.OtherQueue(other.Status.Queue) : new Outcome.NotWaiting(other.Id);
                }

                var (position, renumber) = Position(target, around);
                if (renumber)
                {
                    await store.Jobs.RenumberQueueAsync(around.Queue, Spacing, cancellationToken);
                }
                else if (position == job.Status.Priority)
                {
                    return new Outcome.Moved(around.Queue, position);
                }
                else
                {
                    var now = WharfJson.ToMilliseconds(time.GetUtcNow());
                    var change = job.Amend(s => s with { Priority = position }, now, Describe(target, other));
                    if (await store.Jobs.TrySaveAsync(change, cancellationToken))
                    {
                        return new Outcome.Moved(around.Queue, position);
                    }
                }

                job = await store.Jobs.GetJobAsync(job.Id, cancellationToken) ?? job;
                other = other is null ? null : await store.Jobs.GetJobAsync(other.Id, cancellationToken) ?? other;
            }

            return new Outcome.Conflict();
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    /// <summary>The key for the move, or that the queue must first be renumbered (no key fits, or the range is running out).</summary>
    public static (long Position, bool Renumber) Position(Target target, QueueNeighbours around)
    {
        const long Edge = long.MaxValue / 4;
        switch (target)
        {
            case Target.Front:
                return around.Min is not { } min ? (around.Current, false) : min < -Edge ? (0, true) : (min - Spacing, false);
            case Target.Back:
                return around.Max is not { } max ? (around.Current, false) : max > Edge ? (0, true) : (max + Spacing, false);
            default:
                var anchor = around.Anchor!.Value;
                var (low, high) = target == Target.Before
                    ? (around.BeforeAnchor ?? (anchor < -Edge ? anchor : anchor - (2 * Spacing)), anchor)
                    : (anchor, around.AfterAnchor ?? (anchor > Edge ? anchor : anchor + (2 * Spacing)));
                // Keys near the ends of the range are renumbered away before they can overflow.
                if (Math.Abs((double)low) > Edge || Math.Abs((double)high) > Edge || (Int128)high - low < 2)
                {
                    return (0, true);
                }

                return ((long)(((Int128)low + high) / 2), false);
        }
    }

    private static string Describe(Target target, Job? other) => target switch
    {
        Target.Front => "Moved to the front of its queue",
        Target.Back => "Moved to the back of its queue",
        Target.Before => $"Moved before job {other?.Id}",
        _ => $"Moved after job {other?.Id}",
    };
}
