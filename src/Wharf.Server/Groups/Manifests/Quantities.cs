using System.Globalization;
using System.Text.RegularExpressions;

namespace Wharf.Server.Groups.Manifests;

/// <summary>
/// The units manifests write sizes and durations in: compose memory (<c>512M</c>, <c>1g</c>, <c>1gb</c>, bytes; powers
/// of 1024) and durations (<c>1m30s</c>, <c>500ms</c>), Kubernetes quantities for ICOS (<c>500m</c> cores,
/// <c>512Mi</c>, <c>2G</c>). Each returns null when the text is not in its form; callers report the fault.
/// </summary>
internal static partial class Quantities
{
    private const double MiB = 1024 * 1024;

    /// <summary>Compose memory in MiB, rounded up: a byte count or a number with b, k, m or g (optionally followed by b).</summary>
    public static long? ComposeMemoryMiB(string text)
    {
        var match = ComposeMemory().Match(text.Trim());
        if (!match.Success)
        {
            return null;
        }

        var number = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var factor = match.Groups[2].Value.ToLowerInvariant() switch
        {
            "k" => 1024d,
            "m" => MiB,
            "g" => MiB * 1024,
            _ => 1d,
        };
        return Positive(Math.Ceiling(number * factor / MiB));
    }

    /// <summary>Kubernetes memory in MiB, rounded up: bytes, or a number with Ki/Mi/Gi/Ti (1024) or k/K/M/G/T (1000).</summary>
    public static long? KubernetesMemoryMiB(string text)
    {
        var match = KubernetesMemory().Match(text.Trim());
        if (!match.Success)
        {
            return null;
        }

        var number = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var factor = match.Groups[2].Value switch
        {
            "Ki" => 1024d,
            "Mi" => MiB,
            "Gi" => MiB * 1024,
            "Ti" => MiB * 1024 * 1024,
            "k" or "K" => 1e3,
            "M" => 1e6,
            "G" => 1e9,
            "T" => 1e12,
            _ => 1d,
        };
        return Positive(Math.Ceiling(number * factor / MiB));
    }

    /// <summary>CPU cores: a positive number (<c>0.5</c>, <c>2</c>), or for Kubernetes millicores (<c>500m</c>).</summary>
    public static double? Cores(string text, bool allowMillicores)
    {
        var trimmed = text.Trim();
        var milli = allowMillicores && trimmed.EndsWith('m');
        if (milli)
        {
            trimmed = trimmed[..^1];
        }

        if (!Decimal().IsMatch(trimmed))
        {
            return null;
        }

        var value = double.Parse(trimmed, CultureInfo.InvariantCulture) / (milli ? 1000 : 1);
        return value > 0 ? value : null;
    }

    /// <summary>A compose (Go) duration in seconds: <c>1h</c>, <c>1m30s</c>, <c>10s</c>, <c>500ms</c>, <c>100us</c>; <c>0</c> alone.</summary>
    public static double? DurationSeconds(string text)
    {
        var trimmed = text.Trim();
        if (trimmed == "0")
        {
            return 0;
        }

        if (!Duration().IsMatch(trimmed))
        {
            return null;
        }

        var seconds = 0d;
        foreach (Match part in DurationPart().Matches(trimmed))
        {
            var number = double.Parse(part.Groups[1].Value, CultureInfo.InvariantCulture);
            seconds += number * part.Groups[2].Value switch
            {
                "h" => 3600,
                "m" => 60,
                "s" => 1,
                "ms" => 1e-3,
                "us" or "µs" => 1e-6,
                _ => 1e-9,
            };
        }

        return seconds;
    }

    private static long? Positive(double mib) => mib > 0 && mib < long.MaxValue ? (long)mib : null;

    [GeneratedRegex(@"^([0-9]+(?:\.[0-9]+)?)\s*([bkmgBKMG]?)[bB]?$")]
    private static partial Regex ComposeMemory();

    [GeneratedRegex(@"^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|k|K|M|G|T)?$")]
    private static partial Regex KubernetesMemory();

    [GeneratedRegex(@"^[0-9]+(\.[0-9]+)?$|^\.[0-9]+$")]
    private static partial Regex Decimal();

    [GeneratedRegex(@"^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$")]
    private static partial Regex Duration();

    [GeneratedRegex(@"([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)")]
    private static partial Regex DurationPart();
}
