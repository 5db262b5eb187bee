using Wharf.Agent;
using Wharf.Domain.Agents;

namespace Wharf.Cli.Hosting;

/// <summary>
/// The node <c>wharf agent</c> declares when it is given a name, labels or capacity: this host as the agent would
/// describe it (processors, memory, the data folder's disk; labels <c>arch</c>, <c>os</c>, <c>node</c>) with the given
/// values in place of those.
/// </summary>
internal static class NodeDescription
{
    public static NodeRegistration Describe(
        string dataDirectory, string? name, IReadOnlyDictionary<string, string> labels, double? cpu, double? memoryInGigs, IReadOnlyList<string> drivers)
    {
        var host = HostNode.Describe(dataDirectory, drivers);
        var nodeName = name ?? host.Name;
        var merged = new Dictionary<string, string>(host.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal) { ["node"] = nodeName };
        foreach (var (key, value) in labels)
        {
            merged[key] = value;
        }

        var capacity = host.Capacity with
        {
            Cpu = cpu ?? host.Capacity.Cpu,
            MemoryInGigs = memoryInGigs ?? host.Capacity.MemoryInGigs,
        };
        return host with { Name = nodeName, Capacity = capacity, Labels = merged };
    }

    /// <summary>Reads <c>key=value</c> labels; throws <see cref="UsageException"/> naming the option for anything else.</summary>
    public static Dictionary<string, string> ParseLabels(IEnumerable<string> pairs, string optionName)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new UsageException($"{optionName}: '{pair}' is not KEY=VALUE");
            }

            labels[pair[..equals].Trim()] = pair[(equals + 1)..].Trim();
        }

        return labels;
    }
}
