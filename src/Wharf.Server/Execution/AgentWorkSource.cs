using Wharf.Domain.Agents;
using Wharf.Domain.Jobs;
using Wharf.Domain.Serialization;
using Wharf.Storage;

namespace Wharf.Server.Execution;

/// <summary>
/// Answers agents' long polls: at once when work is due, otherwise as soon as the index fires the agent's wake-up
/// (a placement, a stop) — so a placement reaches an idle agent within milliseconds — or with empty work when the
/// wait is over. Work not acknowledged is due again after <see cref="ExecutionOptions.ResendInterval"/>.
/// </summary>
internal sealed class AgentWorkSource(
    ExecutionIndex index, TaskAssignments assignments, AgentReports reports, IWharfStore store, ExecutionOptions options, TimeProvider time)
{
    private static readonly AgentWork Empty = new([], []);

    /// <summary>The agent's work, waiting up to <paramref name="wait"/> for some; null when the agent is not (or no longer) active.</summary>
    public async Task<AgentWork?> WaitAsync(string agentId, TimeSpan wait, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + (wait < options.MaxPollWait ? wait : options.MaxPollWait);
        while (true)
        {
            var now = time.GetUtcNow();
            if (index.TakeWork(agentId, now) is not { } due)
            {
                return null;
            }

            if (!due.IsEmpty)
            {
                return await BuildAsync(due, cancellationToken);
            }

            var remaining = deadline - now;
            if (due.NextDue is { } next && next - now < remaining)
            {
                remaining = next - now;
            }

            if (remaining <= TimeSpan.Zero)
            {
                if (deadline <= now)
                {
                    return Empty;
                }

                continue;
            }

            try
            {
                await due.Wake.WaitAsync(remaining, time, cancellationToken);
            }
            catch (TimeoutException)
            {
            }
            catch (OperationCanceledException)
            {
                return Empty; // the server stops, or the agent hung up
            }
        }
    }

    private async Task<AgentWork> BuildAsync(AgentDue due, CancellationToken cancellationToken)
    {
        var starts = new List<TaskAssignment>(due.Starts.Count);
        foreach (var (job, rank) in due.Starts)
        {
            var (assignment, problem) = await assignments.BuildAsync(job, rank, cancellationToken);
            if (assignment is not null)
            {
                starts.Add(assignment);
            }
            else
            {
                await FailAsync(job.Id, $"Rank {rank.Rank} cannot start: {problem}", cancellationToken);
            }
        }

        if (due.Unstarted.Count > 0)
        {
            await reports.DropUnstartedAsync(due.Unstarted, cancellationToken);
        }

        return new AgentWork(starts, due.Stops);
    }

    private async Task FailAsync(string jobId, string reason, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var job = await store.Jobs.GetJobAsync(jobId, cancellationToken);
            if (job is null || !JobTransitions.Fail.IsPossibleFrom(job.Status.State))
            {
                return;
            }

            var now = WharfJson.ToMilliseconds(time.GetUtcNow());
            if (await store.Jobs.TrySaveAsync(job.Apply(JobTransitions.Fail, now, reason), cancellationToken))
            {
                return;
            }
        }
    }
}
