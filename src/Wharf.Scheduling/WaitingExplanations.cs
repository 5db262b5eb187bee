using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Wharf.Scheduling;

/// <summary>
/// A pass's <see cref="SchedulingPlan.Waiting"/>: the explanation of every job it did not place, by job id, each
/// built from the pass's per-job results the first time it is read and the same object every time after.
/// </summary>
/// <remarks>
/// A server runs a pass whenever a job ends; in a backlog each pass places a job or two and explains thousands, whose
/// explanations are mostly never read before the next pass replaces them. Building them on demand leaves the pass
/// one id lookup table, which it needs anyway to reject duplicate ids (<see cref="JobIndex"/>), instead of a
/// dictionary and an object per job. Enumeration order: the jobs never tried, queue by queue in queue order, then
/// the jobs that failed, in snapshot order.
/// </remarks>
internal sealed class WaitingExplanations : IReadOnlyDictionary<string, JobExplanation>
{
    private readonly SchedulingJob[] _jobs;
    private readonly JobIndex _index;
    private readonly Failure?[] _failure;
    private readonly int[] _jobsAhead;
    private readonly string[]?[]? _reserved;
    private readonly List<int> _notTried;
    private readonly bool[]? _isNotTried;
    private readonly int _nodesTotal;
    private JobExplanation?[]? _built;

    /// <param name="jobs">The snapshot's jobs by index.</param>
    /// <param name="index">Each job's index by id.</param>
    /// <param name="failure">Per job index: why it failed; null when placed or never tried.</param>
    /// <param name="jobsAhead">Per job index: the jobs of its queue still waiting before it.</param>
    /// <param name="reserved">Per job index: the nodes holding capacity for it, or null; null when no job holds any.</param>
    /// <param name="notTried">The indices of the jobs the pass never tried, in the order it reached them.</param>
    /// <param name="count">How many jobs wait: those the pass did not place.</param>
    /// <param name="nodesTotal">How many nodes the snapshot held.</param>
    public WaitingExplanations(
        SchedulingJob[] jobs, JobIndex index, Failure?[] failure, int[] jobsAhead, string[]?[]? reserved,
        List<int> notTried, int count, int nodesTotal)
    {
        _jobs = jobs;
        _index = index;
        _failure = failure;
        _jobsAhead = jobsAhead;
        _reserved = reserved;
        _notTried = notTried;
        _nodesTotal = nodesTotal;
        if (notTried.Count > 0)
        {
            _isNotTried = new bool[jobs.Length];
            foreach (var j in notTried) _isNotTried[j] = true;
        }

        Count = count;
    }

    public int Count { get; }

    public JobExplanation this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"Job '{key}' is not waiting.");

    public IEnumerable<string> Keys
    {
        get
        {
            foreach (var j in Indices()) yield return _jobs[j].Id;
        }
    }

    public IEnumerable<JobExplanation> Values
    {
        get
        {
            foreach (var j in Indices()) yield return Get(j);
        }
    }

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out JobExplanation value)
    {
        var j = IndexOf(key);
        value = j < 0 ? null : Get(j);
        return value is not null;
    }

    public IEnumerator<KeyValuePair<string, JobExplanation>> GetEnumerator()
    {
        foreach (var j in Indices()) yield return new(_jobs[j].Id, Get(j));
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int IndexOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var j = _index.IndexOf(key);
        return j >= 0 && (_failure[j] is not null || _isNotTried?[j] == true) ? j : -1;
    }

    private IEnumerable<int> Indices()
    {
        foreach (var j in _notTried) yield return j;
        for (var j = 0; j < _failure.Length; j++)
            if (_failure[j] is not null) yield return j;
    }

    /// <summary>The explanation of waiting job <paramref name="j"/>; built once, whichever thread reads it first wins.</summary>
    private JobExplanation Get(int j)
    {
        var built = _built ?? Interlocked.CompareExchange(ref _built, new JobExplanation?[_jobs.Length], null) ?? _built;
        return built[j] ?? Interlocked.CompareExchange(ref built[j], Build(j), null) ?? built[j]!;
    }

    private JobExplanation Build(int j)
    {
        var job = _jobs[j];
        var queue = job.Queue ?? "default";
        if (_failure[j] is not { } failure)
        {
            return new JobExplanation
            {
                JobId = job.Id,
                Queue = queue,
                Reason = $"waiting: {FailureAnalysis.Plural(_jobsAhead[j], "job")} ahead in queue {queue}",
                JobsAhead = _jobsAhead[j],
                Evaluated = false,
                NodesTotal = _nodesTotal,
            };
        }

        var reserved = _reserved?[j];
        return new JobExplanation
        {
            JobId = job.Id,
            Queue = queue,
            Reason = reserved is null
                ? failure.Reason
                : $"{failure.Reason}; holding capacity on {FailureAnalysis.Plural(reserved.Distinct().Count(), "node")} until it fits",
            JobsAhead = _jobsAhead[j],
            NodesTotal = _nodesTotal,
            NodesFitting = failure.NodesFitting,
            NodeFailures = failure.Counts,
            ReservedNodeIds = reserved ?? [],
        };
    }
}
