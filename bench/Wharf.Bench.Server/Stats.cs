using System.Globalization;

namespace Wharf.Bench.Server;

/// <summary>Percentiles and number formatting for the printed figures.</summary>
internal static class Stats
{
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }

    public static string F(double value, int decimals = 0) => value.ToString("N" + decimals, CultureInfo.InvariantCulture);

    public static long NowMs() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public static double NowMsPrecise() => DateTimeOffset.UtcNow.Ticks / 10_000.0 - DateTimeOffset.UnixEpoch.Ticks / 10_000.0;
}
