using System.Numerics;
using System.Runtime.InteropServices;

namespace Wharf.Scheduling;

/// <summary>
/// A segment tree over the members of one <see cref="NodeFilter"/> that finds, in O(log n) on typical clusters,
/// the first member with room for a demand (bin-pack) or the member with room and the highest spread score.
/// </summary>
/// <remarks>
/// Each inner entry holds, per dimension, an upper bound of the members' available capacity below it, and an upper
/// bound of their spread score. Several trees share nodes, and only the tree a job searches is updated eagerly when
/// the job takes capacity; the others go stale. That is safe because within a pass a node's capacity only ever
/// shrinks (placements and holds subtract; the one increase, undoing a gang that did not fit, touches only nodes of
/// the tree being searched, whose leaves are then reset), so a stale bound is still an upper bound: it may cost a
/// visit, never a wrong answer. Leaves are checked against the real capacity and repaired when visited, and a
/// subtree that yields nothing is recomputed from its children on the way back, so staleness is paid for once.
/// <para>Per-dimension bounds can stay loose for good: one node with spare CPU and another with spare memory make
/// a subtree look as if it had room for a demand that fits neither. So first fit also keeps, per demand, a cursor:
/// every member before it is known to lack room for that demand, and since capacity only shrinks that stays true;
/// searches start there, so each member is passed over at most once per demand and pass. The one increase, a
/// gang's rollback, moves the cursors back (<see cref="Restore"/>).</para>
/// </remarks>
internal sealed class FitTree
{
    private static readonly Resources Never = new(long.MinValue, long.MinValue, long.MinValue, long.MinValue);

    private readonly NodeTable _nodes;
    private readonly int[] _members;
    private readonly int _leaves;
    private readonly Resources[] _max;
    private readonly double[] _score;
    private readonly Dictionary<Resources, int> _cursorIndex = [];
    private readonly List<int> _cursors = [];

    public FitTree(NodeTable nodes, int[] members)
    {
        _nodes = nodes;
        _members = members;
        _leaves = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, members.Length));
        _max = new Resources[2 * _leaves];
        _score = new double[2 * _leaves];
        for (var i = 0; i < _leaves; i++)
        {
            if (i < members.Length)
            {
                _max[_leaves + i] = nodes.Avail[members[i]];
                _score[_leaves + i] = nodes.SpreadScore(members[i]);
            }
            else
            {
                _max[_leaves + i] = Never;
                _score[_leaves + i] = double.NegativeInfinity;
            }
        }

        for (var t = _leaves - 1; t >= 1; t--) Pull(t);
    }

    /// <summary>The member index (not node position) of the first member with room for <paramref name="need"/>, or -1.</summary>
    public int FindFirst(in Resources need)
    {
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_cursorIndex, need, out var exists);
        if (!exists)
        {
            slot = _cursors.Count;
            _cursors.Add(0);
        }

        var found = First(1, 0, _leaves, need, _cursors[slot]);
        _cursors[slot] = found >= 0 ? found : _members.Length;
        return found;
    }

    /// <summary>The member index of the member with room for <paramref name="need"/> and the highest spread score, or -1.</summary>
    public int FindMostFree(in Resources need)
    {
        var best = -1;
        var bestScore = double.NegativeInfinity;
        MostFree(1, need, ref best, ref bestScore);
        return best;
    }

    /// <summary>Like <see cref="Refresh"/>, after member <paramref name="member"/>'s capacity grew back: cursors past it move back to it.</summary>
    public void Restore(int member)
    {
        Refresh(member);
        for (var i = 0; i < _cursors.Count; i++)
            if (_cursors[i] > member) _cursors[i] = member;
    }

    /// <summary>Re-reads member <paramref name="member"/>'s capacity and fixes the bounds above it; call after its capacity shrank.</summary>
    public void Refresh(int member)
    {
        var t = _leaves + member;
        _max[t] = _nodes.Avail[_members[member]];
        _score[t] = _nodes.SpreadScore(_members[member]);
        for (t >>= 1; t >= 1; t >>= 1) Pull(t);
    }

    /// <summary>The first member at or after <paramref name="from"/> with room, in subtree <paramref name="t"/> covering members [lo, lo + size).</summary>
    private int First(int t, int lo, int size, in Resources need, int from)
    {
        if (lo + size <= from || !need.FitsIn(_max[t])) return -1;
        if (t >= _leaves) return Leaf(t, need) ? lo : -1;
        var half = size >> 1;
        var found = First(2 * t, lo, half, need, from);
        if (found >= 0) return found;
        found = First((2 * t) + 1, lo + half, half, need, from);
        if (found >= 0) return found;
        Pull(t);
        return -1;
    }

    private void MostFree(int t, in Resources need, ref int best, ref double bestScore)
    {
        if (!need.FitsIn(_max[t]) || (best >= 0 && _score[t] <= bestScore)) return;
        if (t >= _leaves)
        {
            if (Leaf(t, need) && (best < 0 || _score[t] > bestScore))
            {
                best = t - _leaves;
                bestScore = _score[t];
            }

            return;
        }

        int left = 2 * t, right = left + 1;
        if (_score[right] > _score[left])
        {
            MostFree(right, need, ref best, ref bestScore);
            MostFree(left, need, ref best, ref bestScore);
        }
        else
        {
            MostFree(left, need, ref best, ref bestScore);
            MostFree(right, need, ref best, ref bestScore);
        }

        Pull(t);
    }

    /// <summary>Repairs leaf <paramref name="t"/> from the real capacity and says whether it has room.</summary>
    private bool Leaf(int t, in Resources need)
    {
        var position = _members[t - _leaves];
        _max[t] = _nodes.Avail[position];
        _score[t] = _nodes.SpreadScore(position);
        return need.FitsIn(_max[t]);
    }

    private void Pull(int t)
    {
        int left = 2 * t, right = left + 1;
        _max[t] = Resources.Max(_max[left], _max[right]);
        _score[t] = Math.Max(_score[left], _score[right]);
    }
}
