using System.Globalization;

namespace Wharf.Drivers.Process;

/// <summary>The fields of <c>/proc/&lt;pid&gt;/stat</c> the driver needs: is the process alive, which session it belongs to, when it started.</summary>
internal readonly record struct ProcStat(int ProcessId, char State, int ProcessGroup, int Session, long StartTime)
{
    /// <summary>Not yet reaped (zombie) or being torn down: the process no longer runs anything.</summary>
    public bool IsDead => State is 'Z' or 'X' or 'x';

    public static ProcStat? Read(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        return Parse(pid, text);
    }

    public static ProcStat? Parse(int pid, string text)
    {
        // The command name (field 2) is in parentheses and may itself hold spaces and parentheses: split after the last ')'.
        var close = text.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }

        var fields = text[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // fields[0] is field 3 (state); field N is at index N - 3.
        if (fields.Length < 20)
        {
            return null;
        }

        return new ProcStat(
            pid,
            fields[0][0],
            int.Parse(fields[2], CultureInfo.InvariantCulture),
            int.Parse(fields[3], CultureInfo.InvariantCulture),
            long.Parse(fields[19], CultureInfo.InvariantCulture));
    }

    /// <summary>Every live process on the machine (those that vanish while being read are skipped).</summary>
    public static IEnumerable<ProcStat> All()
    {
        IEnumerable<string> entries;
        try
        {
            entries = Directory.EnumerateDirectories("/proc");
        }
        catch (IOException)
        {
            yield break;
        }

        foreach (var entry in entries)
        {
            if (int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && Read(pid) is { } stat)
            {
                yield return stat;
            }
        }
    }

    /// <summary>This boot's id: process ids and start times only mean something within one boot.</summary>
    public static string? BootId()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
