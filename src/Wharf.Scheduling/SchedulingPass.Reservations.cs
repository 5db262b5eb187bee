namespace Wharf.Scheduling;

/// <summary>Starvation protection: holding capacity for a job that has waited too long.</summary>
internal sealed partial class SchedulingPass
{
    /// <summary>
    /// Holds, for each instance of job <paramref name="j"/>, the member node that lacks the least of it (the
    /// shortfall summed over resources as fractions of the node's size; already-held nodes lack more, so holds
    /// spread). Nothing records run times, so "lacks the least" stands for "fits soonest". The held amount is the
    /// instance's whole demand, so later jobs of the pass cannot take the node's free capacity either; as running
    /// work there ends, the capacity gathers until the job fits on a later pass, ahead of the jobs behind it.
    /// False when some instance fits no member even empty: holding would not help.
    /// </summary>
    private bool TryReserve(int j, NodeFilter filter)
    {
        var demand = _jobs[j].Demand;
        var chosen = new int[demand.Count];
        var pending = new Dictionary<int, Resources>();
        for (var i = 0; i < demand.Count; i++)
        {
            var need = demand[i];
            var best = -1;
            var bestShort = double.MaxValue;
            foreach (var p in filter.Members)
            {
                var extra = pending.GetValueOrDefault(p);
                var total = _nodes.Total[p];
                if (!(need + extra).FitsIn(total)) continue;
                var shortfall = Shortfall(need, _nodes.Avail[p] - extra, total);
                if (shortfall < bestShort)
                {
                    best = p;
                    bestShort = shortfall;
                }
            }

            if (best < 0) return false;
            chosen[i] = best;
            pending[best] = pending.GetValueOrDefault(best) + need;
        }

        var nodeIds = new string[demand.Count];
        for (var i = 0; i < demand.Count; i++)
        {
            var p = chosen[i];
            _nodes.Avail[p] -= demand[i];
            _nodes.Held[p] += demand[i];
            if (_nodes.Holder[p] < 0) _nodes.Holder[p] = j;
            nodeIds[i] = _nodes.Nodes[p].Id;
        }

        _capacityVersion++;
        (_reserved ??= new string[]?[_jobs.Length])[j] = nodeIds;
        _reservations.Add(new Reservation(_jobs[j].Id, nodeIds));
        return true;
    }

    private static double Shortfall(in Resources need, in Resources avail, in Resources total)
    {
        var sum = 0.0;
        for (var d = 0; d < 4; d++)
        {
            var t = ResourceText.Get(total, d);
            var missing = ResourceText.Get(need, d) - ResourceText.Get(avail, d);
            if (t > 0 && missing > 0) sum += (double)missing / t;
        }

        return sum;
    }
}
