using System.Globalization;
using Wharf.Domain.Jobs;

namespace Wharf.Cli.Output;

/// <summary>How times and durations read in tables.</summary>
internal static class TimeText
{
    public static string? Format(DateTimeOffset? time) =>
        time?.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    public static string? Format(SimpleDuration? duration) =>
        duration?.TotalSecondsOrNull() is { } seconds ? DurationText.Format(TimeSpan.FromSeconds(seconds)) : null;
}
