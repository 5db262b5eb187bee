using Microsoft.Extensions.Logging;
using Wharf.Domain.Agents;

namespace Wharf.Agent;

/// <summary>
/// Waits on the server for work (a long poll, so a placement reaches an idle agent as soon as it is made) and hands
/// each order to the task runners: stops first, then starts.
/// </summary>
internal sealed class WorkLoop(AgentContext context, AgentSession session)
{
    private static readonly TimeSpan PollSlack = TimeSpan.FromSeconds(15);

    /// <summary>Polls until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var options = context.Options;
        while (true)
        {
            // The server sends an assignment again until it has heard Started or StartFailed. Polling only once the
            // events so far were delivered means a repeat is never of a rank that has already ended here. A start
            // still held back may wait on: its rank runs here, and a repeat of a running rank is ignored.
            await context.Events.WhenDeliveredAsync(exceptStarts: true, cancellationToken).ConfigureAwait(false);
            var work = await session.CallAsync(
                "polling for work",
                (client, agentId, token) => client.PollAgentWorkAsync(agentId, options.PollWait, token),
                options.PollWait + PollSlack,
                cancellationToken).ConfigureAwait(false);
            Apply(work);
        }
    }

    /// <summary>Carries out one answer: stops the ranks it names (a rank this agent does not run is no error), then starts the new ones.</summary>
    public void Apply(AgentWork work)
    {
        foreach (var stop in work.Stop)
        {
            foreach (var runner in context.Tasks.Matching(stop))
            {
                runner.RequestStop(TimeSpan.FromMilliseconds(Math.Max(0, stop.GraceMs)), stop.Reason, reportExit: true);
            }
        }

        foreach (var assignment in work.Start)
        {
            Start(assignment);
        }
    }

    private void Start(TaskAssignment assignment)
    {
        var task = new TaskRef(assignment.JobId, assignment.Rank);
        if (context.Tasks.Find(task) is not null)
        {
            return;
        }

        if (!context.Drivers.TryGetValue(assignment.Driver, out var driver))
        {
            var known = string.Join(", ", context.Drivers.Keys.Order(StringComparer.Ordinal));
            context.Log.LogWarning("Job {JobId} rank {Rank} asks for driver {Driver}, which this agent does not have", task.JobId, task.Rank, assignment.Driver);
            context.Events.Add(new TaskEvent
            {
                JobId = task.JobId,
                Rank = task.Rank,
                Kind = TaskEventKind.StartFailed,
                Timestamp = context.Time.GetUtcNow(),
                Message = $"this agent has no '{assignment.Driver}' driver (it has: {known})",
            });
            return;
        }

        var runner = TaskRunner.ForAssignment(context, driver, assignment);
        if (context.Tasks.TryAdd(runner))
        {
            runner.Start();
        }
    }
}
