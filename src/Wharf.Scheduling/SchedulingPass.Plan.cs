namespace Wharf.Scheduling;

/// <summary>Turning the pass's decisions into a <see cref="SchedulingPlan"/>.</summary>
internal sealed partial class SchedulingPass
{
    private SchedulingPlan BuildPlan()
    {
        var notTried = new List<int>();
        foreach (var run in _queues)
        {
            if (!run.Stopped) continue;
            for (var j = run.Next(); j >= 0; j = run.Next())
            {
                _order.Add(_jobs[j].Id);
                notTried.Add(j);
                _jobsAhead[j] = run.WaitingSoFar++;
                run.Done();
            }
        }

        var waiting = new WaitingExplanations(_jobs, _index, _failure, _jobsAhead, _reserved, notTried, _jobs.Length - _placements.Count, _nodes.Count);
        var statistics = new SchedulingStatistics(
            JobsConsidered: _jobs.Length - notTried.Count,
            JobsPlaced: _placements.Count,
            InstancesPlaced: _instancesPlaced,
            JobsSkippedByShape: _skippedByShape,
            NodeFilters: _filterCount,
            Reservations: _reservations.Count);
        return new SchedulingPlan(_placements, waiting, _reservations, _order, statistics);
    }
}
