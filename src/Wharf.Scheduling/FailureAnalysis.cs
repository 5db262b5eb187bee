using System.Globalization;

namespace Wharf.Scheduling;

/// <summary>
/// Explains a failure: the filter's constraint counts (<see cref="FilterCensus"/>) plus a <see cref="CapacityScan"/>
/// of its members for the instance that could not be placed, and a sentence built from both. Runs once per failing
/// filter or shape per pass, never per job.
/// </summary>
internal static class FailureAnalysis
{
    public static Failure NoMatch(FilterCensus census) => new() { Reason = census.NoMatchReason!, Counts = census.Counts };

    public static Failure Explain(FilterCensus census, CapacityScan scan, IReadOnlyList<Resources> demand, int failedInstance, SchedulingJob[] jobs)
    {
        var all = new Dictionary<string, int>(census.Counts, StringComparer.Ordinal);
        for (var d = 0; d < 4; d++)
            if (scan.Counts[d] > 0) all[NodeFailures.Insufficient[d]] = scan.Counts[d];
        if (scan.Counts[CapacityScan.HeldSlot] > 0) all[NodeFailures.HeldForOtherJob] = scan.Counts[CapacityScan.HeldSlot];
        return new Failure { Reason = Sentence(scan, demand, failedInstance, jobs), Counts = all, NodesFitting = scan.Fitting };
    }

    private static string Sentence(CapacityScan scan, IReadOnlyList<Resources> demand, int failedInstance, SchedulingJob[] jobs)
    {
        var need = demand[failedInstance];
        if (scan.Fitting > 0)
        {
            return Homogeneous(demand)
                ? $"waiting: needs {demand.Count} ranks of {need}, room for {scan.Room} now"
                : $"waiting: needs {demand.Count} instances at once; instance {failedInstance + 1} ({need}) has no room beside the others";
        }

        if (scan.TooSmall == scan.Matching)
        {
            var d = CapacityScan.FirstShort(need, scan.MaxTotal);
            return d < 4
                ? $"waiting: needs {Amount(need, d)} per rank, the largest node has {Amount(scan.MaxTotal, d)}"
                : $"waiting: needs {need} per rank, no node is that large in every resource";
        }

        if (scan.Busy == 0 && scan.Held > 0) return $"waiting: the free capacity is held for job {jobs[scan.Holder].Id}, which has waited longer";

        var shortOf = CapacityScan.FirstShort(need, scan.MaxAvail);
        var busy = Plural(scan.Busy, "node") + " busy";
        return shortOf < 4
            ? $"waiting: needs {Amount(need, shortOf)} per rank, largest free is {Amount(Clamp(scan.MaxAvail), shortOf)} ({busy})"
            : $"waiting: needs {need} per rank, no node has all of it free ({busy})";
    }

    private static bool Homogeneous(IReadOnlyList<Resources> demand)
    {
        for (var i = 1; i < demand.Count; i++)
            if (demand[i] != demand[0]) return false;
        return true;
    }

    private static Resources Clamp(in Resources r) =>
        new(Math.Max(0, r.CpuMillis), Math.Max(0, r.MemoryMiB), Math.Max(0, r.Gpu), Math.Max(0, r.DiskMiB));

    private static string Amount(in Resources r, int dimension) => dimension switch
    {
        1 => ResourceText.Format(r, 1) + " memory",
        3 => ResourceText.Format(r, 3) + " disk",
        _ => ResourceText.Format(r, dimension),
    };

    internal static string Plural(int n, string one) => n == 1 ? $"1 {one}" : string.Create(CultureInfo.InvariantCulture, $"{n} {one}s");
}
