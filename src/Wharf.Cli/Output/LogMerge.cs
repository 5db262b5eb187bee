using System.Runtime.CompilerServices;
using Wharf.Client;

namespace Wharf.Cli.Output;

/// <summary>Merges several streams' lines, each already in order, into one in time order, holding one line per stream.</summary>
internal static class LogMerge
{
    public static async IAsyncEnumerable<JobLogLine> ByTimeAsync(
        IReadOnlyList<IAsyncEnumerable<JobLogLine>> sources, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var heads = new List<IAsyncEnumerator<JobLogLine>>();
        try
        {
            foreach (var source in sources)
            {
                var enumerator = source.GetAsyncEnumerator(cancellationToken);
                if (await enumerator.MoveNextAsync().ConfigureAwait(false))
                {
                    heads.Add(enumerator);
                }
                else
                {
                    await enumerator.DisposeAsync().ConfigureAwait(false);
                }
            }

            while (heads.Count > 0)
            {
                // Few streams (two per rank): a scan is cheaper than a heap. Ties keep the order of the sources.
                var earliest = 0;
                for (var i = 1; i < heads.Count; i++)
                {
                    if (heads[i].Current.Timestamp < heads[earliest].Current.Timestamp)
                    {
                        earliest = i;
                    }
                }

                yield return heads[earliest].Current;
                if (!await heads[earliest].MoveNextAsync().ConfigureAwait(false))
                {
                    await heads[earliest].DisposeAsync().ConfigureAwait(false);
                    heads.RemoveAt(earliest);
                }
            }
        }
        finally
        {
            foreach (var head in heads)
            {
                await head.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
