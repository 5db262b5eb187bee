namespace Wharf.Scheduling;

/// <summary>
/// Hands out one queue's jobs in the order the pass considers them: by priority key then id, or, with fair share,
/// from the owner with the smallest dominant share (re-weighed after every placement; ties by the head job's
/// priority), after the jobs old enough to hold capacity.
/// </summary>
internal sealed class QueueRun
{
    private readonly int[] _first;
    private readonly int[] _ordered;
    private readonly int[] _rank;
    private readonly OwnerShares _shares;
    private readonly PriorityQueue<int, (double Share, int Rank)>? _owners;
    private readonly int[][] _ownerJobs = [];
    private readonly int[] _ownerIds = [];
    private readonly int[] _ownerNext = [];
    private int _firstNext;
    private int _next;
    private int _pendingOwner = -1;

    /// <param name="policy">The queue's policy.</param>
    /// <param name="filterGroup">The index of the queue's pool labels among the pass's distinct pools.</param>
    /// <param name="ordered">The queue's job indices sorted by priority key, then id.</param>
    /// <param name="rank">Each job's position in its queue's sorted order (indexed by job index).</param>
    /// <param name="aged">Per job index: old enough to hold capacity.</param>
    /// <param name="ownerOf">Per job index: the owner index.</param>
    /// <param name="shares">Owners' usage during the pass.</param>
    public QueueRun(QueuePolicy policy, int filterGroup, int[] ordered, int[] rank, bool[] aged, int[] ownerOf, OwnerShares shares)
    {
        Policy = policy;
        FilterGroup = filterGroup;
        _ordered = ordered;
        _rank = rank;
        _shares = shares;
        if (!policy.FairShare)
        {
            _first = [];
            return;
        }

        _first = [.. ordered.Where(j => aged[j])];
        var local = new Dictionary<int, List<int>>();
        var ids = new List<int>();
        foreach (var j in ordered)
        {
            if (aged[j]) continue;
            if (!local.TryGetValue(ownerOf[j], out var list))
            {
                local[ownerOf[j]] = list = [];
                ids.Add(ownerOf[j]);
            }

            list.Add(j);
        }

        _ownerIds = [.. ids];
        _ownerJobs = [.. ids.Select(o => local[o].ToArray())];
        _ownerNext = new int[ids.Count];
        _owners = new PriorityQueue<int, (double, int)>(ids.Count);
        for (var o = 0; o < ids.Count; o++) _owners.Enqueue(o, (shares.Share(ids[o]), rank[_ownerJobs[o][0]]));
    }

    public QueuePolicy Policy { get; }

    public int FilterGroup { get; }

    /// <summary>Jobs of this queue that failed so far in the pass: the "jobs ahead" of the next one to fail.</summary>
    public int WaitingSoFar { get; set; }

    /// <summary>Jobs of this queue that hold capacity.</summary>
    public int Reservations { get; set; }

    /// <summary>Set when backfill is off and a job did not fit: the rest of the queue is not tried.</summary>
    public bool Stopped { get; set; }

    /// <summary>The next job index, or -1 when the queue is exhausted. Call <see cref="Done"/> after deciding it.</summary>
    public int Next()
    {
        if (_firstNext < _first.Length) return _first[_firstNext++];
        if (_owners is null) return _next < _ordered.Length ? _ordered[_next++] : -1;
        if (!_owners.TryDequeue(out var o, out _)) return -1;
        _pendingOwner = o;
        return _ownerJobs[o][_ownerNext[o]++];
    }

    /// <summary>Puts the owner of the job just handed out back in line, weighed by its usage after the decision.</summary>
    public void Done()
    {
        if (_pendingOwner < 0) return;
        var o = _pendingOwner;
        _pendingOwner = -1;
        if (_ownerNext[o] < _ownerJobs[o].Length)
            _owners!.Enqueue(o, (_shares.Share(_ownerIds[o]), _rank[_ownerJobs[o][_ownerNext[o]]]));
    }
}
