namespace Wharf.Scheduling;

/// <summary>Turning the pass's decisions into a <see cref="SchedulingPlan"/>.</summary>
internal sealed partial class SchedulingPass
{
    private SchedulingPlan BuildPlan()
    {
        var waiting = new Dictionary<string, JobExplanation>(_jobs.Length - _placements.Count, StringComparer.Ordinal);
        foreach (var run in _queues)
        {
            if (!run.Stopped) continue;
            for (var j = run.Next(); j >= 0; j = run.Next())
            {
                var job = _jobs[j];
                _order.Add(job.Id);
                waiting.Add(job.Id, new JobExplanation
                {
                    JobId = job.Id,
                    Queue = run.Policy.Name,
                    Reason = $"waiting: {FailureAnalysis.Plural(run.WaitingSoFar, "job")} ahead in queue {run.Policy.Name}",
                    JobsAhead = run.WaitingSoFar++,
                    Evaluated = false,
                    NodesTotal = _nodes.Count,
                });
                run.Done();
            }
        }

        for (var j = 0; j < _jobs.Length; j++)
        {
            var failure = _failure[j];
            if (failure is null) continue;
            var job = _jobs[j];
            var reserved = _reserved[j];
            waiting.Add(job.Id, new JobExplanation
            {
                JobId = job.Id,
                Queue = job.Queue ?? "default",
                Reason = reserved is null
                    ? failure.Reason
                    : $"{failure.Reason}; holding capacity on {FailureAnalysis.Plural(reserved.Distinct().Count(), "node")} until it fits",
                JobsAhead = _jobsAhead[j],
                NodesTotal = _nodes.Count,
                NodesFitting = failure.NodesFitting,
                NodeFailures = failure.Counts,
                ReservedNodeIds = reserved ?? [],
            });
        }

        var statistics = new SchedulingStatistics(
            JobsConsidered: _jobs.Length - waiting.Values.Count(e => !e.Evaluated),
            JobsPlaced: _placements.Count,
            InstancesPlaced: _instancesPlaced,
            JobsSkippedByShape: _skippedByShape,
            NodeFilters: _filterCount,
            Reservations: _reservations.Count);
        return new SchedulingPlan(_placements, waiting, _reservations, _order, statistics);
    }
}
