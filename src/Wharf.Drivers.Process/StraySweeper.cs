using System.Threading.Channels;
using Microsoft.Win32.SafeHandles;

namespace Wharf.Drivers.Process;

/// <summary>
/// Ends what still runs in unnamed network namespaces that their job has left, a moment later and off the path of
/// the rank's exit: a process that left the rank's session (a daemon that called <c>setsid</c>) is found only by
/// looking at every process's namespace, and one such pass costs as much as a trivial job's start. So the
/// namespaces whose last rank left within <see cref="Gather"/> share one pass; each is released (its last reference
/// here closed, and the kernel frees it) once nothing of it is left running.
/// </summary>
/// <remarks>
/// A named namespace is not swept here: it is deleted with <c>ip netns del</c> right after its sweep, and a stray must
/// be gone first. A stray of an unnamed namespace lives up to <see cref="Gather"/> longer than its rank; it is alone in
/// a namespace no new rank joins, so it can reach nothing in the meantime that it could not reach before.
/// </remarks>
internal sealed class StraySweeper : IAsyncDisposable
{
    /// <summary>How long the sweeper gathers namespaces before one pass over the process table ends what runs in all of them.</summary>
    public static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(100);

    private readonly Channel<(string Identity, SafeFileHandle Handle)> _left = Channel.CreateUnbounded<(string, SafeFileHandle)>(
        new UnboundedChannelOptions { SingleReader = true });

    private readonly Task _sweeping;

    public StraySweeper() => _sweeping = Task.Run(SweepAsync);

    /// <summary>
    /// Ends, within <see cref="Gather"/> and a pass, what runs in the namespace with this identity, then closes
    /// <paramref name="handle"/>: until then it keeps the namespace, and so its identity, from being reused.
    /// </summary>
    public void Add(string identity, SafeFileHandle handle)
    {
        if (!_left.Writer.TryWrite((identity, handle)))
        {
            // Disposed: the agent stops; sweep at once rather than leave the strays.
            Sweep([(identity, handle)]);
        }
    }

    /// <summary>Sweeps what was added and not yet swept, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _left.Writer.TryComplete();
        await _sweeping.ConfigureAwait(false);
    }

    private static void Sweep(List<(string Identity, SafeFileHandle Handle)> namespaces)
    {
        try
        {
            foreach (var members in ProcStat.InNetworkNamespaces([.. namespaces.Select(n => n.Identity)]))
            {
                foreach (var pid in members)
                {
                    Libc.Kill(pid, Libc.SigKill);
                }
            }
        }
        finally
        {
            foreach (var (_, handle) in namespaces)
            {
                handle.Dispose();
            }
        }
    }

    private async Task SweepAsync()
    {
        var reader = _left.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            await Task.Delay(Gather).ConfigureAwait(false);
            var batch = new List<(string, SafeFileHandle)>();
            while (reader.TryRead(out var left))
            {
                batch.Add(left);
            }

            try
            {
                Sweep(batch);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process table could not be read: as when /proc cannot be listed, nothing is found.
            }
        }
    }
}
