namespace Wharf.Scheduling;

/// <summary>
/// The index of each job of a pass by id: rejects an id that appears twice, and finds a waiting job's explanation.
/// </summary>
/// <remarks>
/// A server's job ids are decimal numbers handed out in sequence, so the jobs of one pass span a range of values not
/// much wider than their number: then a flat array by value does the work of a dictionary of strings in a fraction
/// of its memory and without hashing, which counts in a pass run for every job that ends. Ids of any other form, or
/// too far apart, go to a dictionary.
/// </remarks>
internal sealed class JobIndex
{
    private readonly long _first;
    private readonly int[]? _byValue;
    private readonly Dictionary<string, int>? _byId;

    /// <summary>Indexes <c>jobs[0..count)</c>; throws <see cref="ArgumentException"/> at the first id seen before.</summary>
    public JobIndex(SchedulingJob[] jobs, int count)
    {
        long first = long.MaxValue, last = -1;
        for (var j = 0; j < count && first >= 0; j++)
        {
            var value = Value(jobs[j].Id);
            first = value < 0 ? -1 : Math.Min(first, value);
            last = Math.Max(last, value);
        }

        if (count > 0 && first >= 0 && last - first < (4L * count) + 64)
        {
            _first = first;
            _byValue = new int[last - first + 1];
            for (var j = 0; j < count; j++)
            {
                ref var slot = ref _byValue[Value(jobs[j].Id) - first];
                if (slot != 0) throw Duplicate(jobs[j]);
                slot = j + 1;
            }

            return;
        }

        _byId = new Dictionary<string, int>(count, StringComparer.Ordinal);
        for (var j = 0; j < count; j++)
            if (!_byId.TryAdd(jobs[j].Id, j)) throw Duplicate(jobs[j]);
    }

    /// <summary>The index of the job with <paramref name="id"/>, or -1.</summary>
    public int IndexOf(string id)
    {
        if (_byId is not null) return _byId.TryGetValue(id, out var j) ? j : -1;
        var value = Value(id);
        return value >= _first && value - _first < _byValue!.Length ? _byValue[value - _first] - 1 : -1;
    }

    /// <summary>
    /// The value of an id written as a plain decimal number (ASCII digits, no leading zero, at most 18 of them), else
    /// -1. Two such ids are equal exactly when their values are, which is what lets values stand for ids.
    /// </summary>
    private static long Value(string id) => id.Length > 1 && id[0] == '0' ? -1 : SchedulingPass.Numeric(id);

    private static ArgumentException Duplicate(SchedulingJob job) =>
        new($"Job id '{job.Id}' appears twice in the snapshot.", "snapshot");
}
