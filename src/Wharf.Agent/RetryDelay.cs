namespace Wharf.Agent;

/// <summary>
/// A delay that doubles after each failure, up to a ceiling, and starts again from the first delay after a success.
/// With jitter each delay is shortened by up to a fifth at random, so that many agents cut off by the same outage do
/// not all call the server again at the same instant.
/// </summary>
internal sealed class RetryDelay
{
    private readonly TimeSpan _first;
    private readonly TimeSpan _ceiling;
    private readonly bool _jitter;
    private TimeSpan _next;

    public RetryDelay(TimeSpan first, TimeSpan ceiling, bool jitter)
    {
        _first = first;
        _ceiling = ceiling;
        _jitter = jitter;
        _next = first;
    }

    /// <summary>The delay to wait now; the one after it is twice as long, up to the ceiling.</summary>
    public TimeSpan Next()
    {
        var delay = _next;
        _next = TimeSpan.FromTicks(Math.Min(_ceiling.Ticks, Math.Max(1, _next.Ticks) * 2));
        return _jitter ? delay - TimeSpan.FromTicks((long)(delay.Ticks * 0.2 * Random.Shared.NextDouble())) : delay;
    }

    /// <summary>Starts again from the first delay.</summary>
    public void Reset() => _next = _first;
}
