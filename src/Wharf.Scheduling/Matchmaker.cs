namespace Wharf.Scheduling;

/// <summary>
/// The scheduler: reads a <see cref="SchedulingSnapshot"/> and returns a <see cref="SchedulingPlan"/>. Pure logic
/// in the manner of Nomad's scheduler: no I/O, no clock, no store; the same snapshot always yields the same plan,
/// whatever order its lists are in. Safe to call from several threads at once.
/// </summary>
/// <remarks>
/// <para>Queues are taken round-robin by name, one job per queue per turn. Within a queue jobs go by priority key
/// (lower first), then id; or, with <see cref="QueuePolicy.FairShare"/>, from the owner with the smallest dominant
/// resource share, re-weighed after each placement.</para>
/// <para>A job is placed whole (every instance on a node that passes its filter and has room) or not at all.
/// Capacity it takes is gone for the rest of the pass. A job that does not fit is passed over and the jobs behind
/// it are tried (backfill), unless the queue turns backfill off. So that backfill cannot starve a big job, a job
/// older than <see cref="SchedulerOptions.ReservationAge"/> that does not fit holds capacity on the nodes where it
/// would fit soonest, and nothing after it in the pass may use that capacity.</para>
/// <para>Every job left waiting gets a reason and per-node failure counts (<see cref="JobExplanation"/>).</para>
/// </remarks>
public sealed class Matchmaker
{
    /// <summary>Creates a scheduler with <paramref name="options"/> (the defaults when null).</summary>
    public Matchmaker(SchedulerOptions? options = null)
    {
        Options = options ?? new SchedulerOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(Options.MaxReservationsPerQueue);
    }

    /// <summary>The configuration in force.</summary>
    public SchedulerOptions Options { get; }

    /// <summary>
    /// Runs one pass: decides which waiting jobs go where now, and why the others wait. Throws
    /// <see cref="ArgumentException"/> when two nodes or two jobs share an id; a job whose demand is empty or
    /// negative is not an error, it waits with a reason saying so.
    /// </summary>
    public SchedulingPlan Schedule(SchedulingSnapshot snapshot) => new SchedulingPass(Options, snapshot).Run();
}
