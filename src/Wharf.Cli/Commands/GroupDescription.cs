using System.Globalization;
using Wharf.Cli.Output;
using Wharf.Client;
using Wharf.Domain.Jobs;

namespace Wharf.Cli.Commands;

/// <summary>A group written for people: <c>wharf group show</c> prints it whole, <c>group up</c> its components.</summary>
internal static class GroupDescription
{
    /// <summary>The group's fields, then its components.</summary>
    public static async Task WriteAsync(TextWriter writer, GroupSummary group)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(group);
        var lines = new List<(string Label, string? Value)>
        {
            ("ID", group.Id),
            ("Name", group.Name),
            ("Kind", group.Kind),
            ("Description", group.Description),
            ("Project", group.Project),
            ("State", group.State),
            ("Wanted", group.Wanted),
            ("Generation", group.Generation.ToString(CultureInfo.InvariantCulture)),
            ("Created", TimeText.Format(group.CreatedAt)),
            ("Updated", TimeText.Format(group.UpdatedAt)),
        };

        var width = lines.Max(l => l.Label.Length) + 2;
        foreach (var (label, value) in lines.Where(l => !string.IsNullOrEmpty(l.Value)))
        {
            await writer.WriteLineAsync((label + ":").PadRight(width) + value!.ReplaceLineEndings(" ")).ConfigureAwait(false);
        }

        await writer.WriteLineAsync("Components:").ConfigureAwait(false);
        await WriteComponentsAsync(writer, group).ConfigureAwait(false);
    }

    /// <summary>One row per component: its job, state, health, host ports and reason.</summary>
    public static Task WriteComponentsAsync(TextWriter writer, GroupSummary group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var table = new Table("COMPONENT", "JOB", "STATE", "HEALTH", "REPLICAS", "PORTS", "REASON");
        foreach (var component in group.Components)
        {
            table.Add(component.Name, component.JobId, State(component), Health(component.Healthy),
                component.Replicas.ToString(CultureInfo.InvariantCulture), Ports(component.Ports), component.Reason);
        }

        return table.WriteAsync(writer);
    }

    /// <summary>The job's state as the wire spells it; <c>GONE</c> when the job no longer exists.</summary>
    public static string State(GroupComponentStatus component) => component.State?.ToWire() ?? "GONE";

    /// <summary><c>healthy</c>, <c>unhealthy</c>, or null without a check (or before its first probe).</summary>
    public static string? Health(bool? healthy) => healthy switch
    {
        true => "healthy",
        false => "unhealthy",
        null => null,
    };

    /// <summary>The host ports as <c>name=port</c>, by name; null before the component runs.</summary>
    public static string? Ports(IReadOnlyDictionary<string, int>? ports) =>
        ports is { Count: > 0 }
            ? string.Join(' ', ports.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value.ToString(CultureInfo.InvariantCulture)}"))
            : null;
}
