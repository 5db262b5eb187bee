using System.Globalization;
using Wharf.Domain.Jobs;

namespace Wharf.Cli.Output;

/// <summary>A job written for people, as <c>wharf show</c> prints it.</summary>
internal static class JobDescription
{
    public static async Task WriteAsync(TextWriter writer, Job job)
    {
        var spec = job.Specification;
        var status = job.Status;
        var lines = new List<(string Label, string? Value)>
        {
            ("ID", job.Id),
            ("Name", spec.Name),
            ("Application", spec.Application?.ToString()),
            ("Product", spec.Product?.ToString()),
            ("Owner", $"{job.Owner.CreatedBy} (project {job.Owner.Project})"),
            ("State", status.State.ToWire()),
            ("Reason", status.Reason),
            ("Queue", $"{status.Queue} (position key {status.Priority.ToString(CultureInfo.InvariantCulture)})"),
            ("Replicas", spec.Replicas.ToString(CultureInfo.InvariantCulture)),
            ("Created", TimeText.Format(job.CreatedAt)),
            ("Started", TimeText.Format(status.StartedAt)),
            ("Time allocation", TimeText.Format(status.TimeAllocation) ?? "none"),
            ("Expires", TimeText.Format(status.ExpiresAt)),
            ("Exit code", status.ExitCode?.ToString(CultureInfo.InvariantCulture)),
        };

        var width = lines.Max(l => l.Label.Length) + 2;
        foreach (var (label, value) in lines.Where(l => l.Value is not null))
        {
            await writer.WriteLineAsync((label + ":").PadRight(width) + value).ConfigureAwait(false);
        }

        if (spec.Parameters is { Count: > 0 } parameters)
        {
            await writer.WriteLineAsync("Parameters:").ConfigureAwait(false);
            foreach (var (name, value) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                await writer.WriteLineAsync($"  {name} = {value.RenderScalar()} ({value.Type})").ConfigureAwait(false);
            }
        }

        if (spec.Resources is { Count: > 0 } resources)
        {
            await writer.WriteLineAsync("Resources:").ConfigureAwait(false);
            foreach (var resource in resources)
            {
                var text = resource.Type == ParameterTypes.Peer
                    ? $"peer {resource.Hostname} -> job {resource.JobId}"
                    : $"{resource.Type} {resource.RenderScalar()}";
                await writer.WriteLineAsync($"  {text}").ConfigureAwait(false);
            }
        }

        if (status.Ranks is { Count: > 0 } ranks)
        {
            await writer.WriteLineAsync("Ranks:").ConfigureAwait(false);
            foreach (var rank in ranks)
            {
                var state = rank.State.ToString().ToLowerInvariant();
                var exit = rank.ExitCode is { } code ? $" (exit code {code.ToString(CultureInfo.InvariantCulture)})" : "";
                var address = rank.Address is { } at ? $" at {at}" : "";
                // Health is known only for an application with a health check, once a probe has run.
                var health = rank.Health is { } known ? $", {known}" : "";
                await writer.WriteLineAsync($"  {rank.Rank.ToString(CultureInfo.InvariantCulture)}: {state}{exit} on {rank.NodeId}{address}{health}").ConfigureAwait(false);
            }
        }

        if (status.Conditions is { Count: > 0 } conditions)
        {
            await writer.WriteLineAsync("Conditions:").ConfigureAwait(false);
            foreach (var condition in conditions)
            {
                var reason = condition.Reason is { } why ? $" ({why})" : "";
                var message = condition.Message is { } text ? $": {text}" : "";
                await writer.WriteLineAsync($"  {condition.Type}={condition.Status}{reason} since {TimeText.Format(condition.LastTransitionTime)}{message}").ConfigureAwait(false);
            }
        }

        await writer.WriteLineAsync("History:").ConfigureAwait(false);
        foreach (var update in job.Updates)
        {
            var state = update.State?.ToWire() ?? "";
            await writer.WriteLineAsync($"  {TimeText.Format(update.Timestamp)}  {state,-10} {update.Status}".TrimEnd()).ConfigureAwait(false);
        }
    }
}
