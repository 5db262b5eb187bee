using System.Globalization;
using Wharf.Client;

namespace Wharf.Cli.Commands;

/// <summary>
/// Waits for a group to settle (<c>wharf group up --wait</c>): reads it every <see cref="Interval"/> and writes a line
/// whenever its aggregate state or a component's state, health or reason changes, until the group is COMPLETED,
/// DEGRADED or STOPPED, or RUNNING in two reads in a row: a component whose command fails as soon as it starts is
/// RUNNING for a few milliseconds first, and one more read lets its failure show. Groups have no follow stream, so
/// this polls.
/// </summary>
internal sealed class GroupWait(WharfClient client, TextWriter progress, TimeProvider time)
{
    /// <summary>How often the group is read.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    private readonly long _started = time.GetTimestamp();
    private readonly Dictionary<string, string> _seen = new(StringComparer.Ordinal);
    private string? _state;
    private bool _runningBefore;

    /// <summary>True for the states <c>--wait</c> stops at.</summary>
    public static bool IsSettled(string state) =>
        state is GroupSummary.Running or GroupSummary.Completed or GroupSummary.Degraded or GroupSummary.Stopped;

    /// <summary>True for the settled states that count as success (exit 0).</summary>
    public static bool IsUp(string state) => state is GroupSummary.Running or GroupSummary.Completed;

    /// <summary>Reads group <paramref name="id"/> until it settles, and returns it as it is then.</summary>
    public async Task<GroupSummary> UntilSettledAsync(string id, CancellationToken cancellationToken)
    {
        while (true)
        {
            var group = await client.GetGroupAsync(id, cancellationToken).ConfigureAwait(false);
            await ReportAsync(group).ConfigureAwait(false);
            if (IsSettled(group.State) && (group.State != GroupSummary.Running || _runningBefore))
            {
                return group;
            }

            _runningBefore = group.State == GroupSummary.Running;
            await Task.Delay(Interval, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ReportAsync(GroupSummary group)
    {
        var elapsed = time.GetElapsedTime(_started).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
        foreach (var component in group.Components)
        {
            var health = GroupDescription.Health(component.Healthy) is { } h ? " " + h : "";
            var reason = string.IsNullOrWhiteSpace(component.Reason) ? "" : "  " + component.Reason.ReplaceLineEndings(" ");
            var line = $"{component.Name}: {GroupDescription.State(component)}{health}{reason}";

            // Keyed by component, so a renewed job (an update) is reported under the same name.
            if (!_seen.TryGetValue(component.Name, out var last) || last != line)
            {
                _seen[component.Name] = line;
                await progress.WriteLineAsync($"[{elapsed,6}s] {line}").ConfigureAwait(false);
            }
        }

        if (group.State != _state)
        {
            _state = group.State;
            await progress.WriteLineAsync($"[{elapsed,6}s] group {group.Name}: {group.State}").ConfigureAwait(false);
        }

        await progress.FlushAsync().ConfigureAwait(false);
    }
}
