using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Wharf.Cli;

/// <summary>Durations as people type them: <c>1h</c>, <c>90m</c>, <c>1h30m</c>, <c>45s</c>, <c>30d</c>.</summary>
internal static partial class DurationText
{
    private const string Examples = "e.g. 1h30m, 90m, 45s or 30d";

    /// <summary>Parses a duration; throws <see cref="UsageException"/> for anything else, or for zero.</summary>
    public static TimeSpan Parse(string? text, string optionName)
    {
        var trimmed = text?.Trim() ?? "";
        var match = Pattern().Match(trimmed);
        if (trimmed.Length == 0 || !match.Success)
        {
            throw new UsageException($"{optionName}: '{text}' is not a duration ({Examples})");
        }

        long seconds = 0;
        try
        {
            seconds = checked(Part(match, "d", 86_400) + Part(match, "h", 3600) + Part(match, "m", 60) + Part(match, "s", 1));
        }
        catch (OverflowException)
        {
            throw new UsageException($"{optionName}: '{text}' is too long");
        }

        if (seconds <= 0 || seconds > TimeSpan.MaxValue.TotalSeconds)
        {
            throw new UsageException($"{optionName}: '{text}' must be longer than zero");
        }

        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary>Formats a duration the way <see cref="Parse"/> reads it (<c>1h30m</c>).</summary>
    public static string Format(TimeSpan span)
    {
        var text = new StringBuilder();
        var total = (long)span.TotalSeconds;
        void Add(long value, char unit)
        {
            if (value > 0)
            {
                text.Append(value.ToString(CultureInfo.InvariantCulture)).Append(unit);
            }
        }

        Add(total / 86_400, 'd');
        Add(total % 86_400 / 3600, 'h');
        Add(total % 3600 / 60, 'm');
        Add(total % 60, 's');
        return text.Length == 0 ? "0s" : text.ToString();
    }

    private static long Part(Match match, string unit, long scale)
    {
        var group = match.Groups[unit];
        if (!group.Success)
        {
            return 0;
        }

        return long.TryParse(group.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? checked(value * scale)
            : throw new OverflowException();
    }

    [GeneratedRegex(@"^(?:(?<d>\d+)d)?(?:(?<h>\d+)h)?(?:(?<m>\d+)m)?(?:(?<s>\d+)s)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
