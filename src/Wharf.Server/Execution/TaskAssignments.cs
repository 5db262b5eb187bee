using System.Text;
using System.Text.Json;
using Wharf.Domain.Agents;
using Wharf.Domain.Catalog;
using Wharf.Domain.Jobs;
using Wharf.Server.Catalog;
using Wharf.Storage;

namespace Wharf.Server.Execution;

/// <summary>
/// Builds what an agent needs to start a rank from the job, its application and its peers, so the agent needs no
/// catalog: the command as the application gives it (its <c>$(VAR)</c> references are expanded by the driver from the
/// final environment), the application's environment plus <c>WHARF_JOB_NAME</c>, <c>WHARF_APP_DIR</c> and a
/// <c>WHARF_PARAM_&lt;NAME&gt;</c> per scalar parameter, the declared ports, file mounts, and each peer's rank-0
/// address and ports as its agent reported them.
/// </summary>
internal sealed class TaskAssignments(CatalogCache catalog, ExecutionIndex index, IWharfStore store)
{
    private static readonly HashSet<string> Scalars = new(StringComparer.Ordinal)
    {
        ParameterTypes.Text, ParameterTypes.TextArea, ParameterTypes.Integer, ParameterTypes.FloatingPoint,
        ParameterTypes.Boolean, ParameterTypes.Enumeration,
    };

    /// <summary>The assignment of one rank, or why it cannot be built (its application is gone from the catalog).</summary>
    public async Task<(TaskAssignment? Assignment, string? Problem)> BuildAsync(Job job, RankStatus rank, CancellationToken cancellationToken)
    {
        var spec = job.Specification;
        var name = spec.Application?.Name ?? "";
        var version = spec.Application?.Version ?? "";
        var application = spec.Definition
            ?? catalog.FindApplication(name, version)
            ?? (await catalog.GetAsync(cancellationToken)).FindApplication(name, version);
        if (application is null)
        {
            return (null, $"application {name}@{version} is no longer in the catalog");
        }

        var assignment = new TaskAssignment
        {
            JobId = job.Id,
            Rank = rank.Rank,
            Replicas = Math.Max(1, spec.Replicas),
            NodeId = rank.NodeId,
            Driver = index.DriverFor(rank.NodeId),
            Command = application.Command,
            Environment = Environment(job, application),
            Ports = [.. application.Ports.Select(p => p.Name)],
            Peers = await PeersAsync(spec, cancellationToken),
            Files = Files(spec, application),
            RestartOnExit = spec.RestartOnExit == true,
            Owner = job.Owner,
            JobName = spec.Name ?? "",
            Properties = PropertyValues(spec, application),
            Templates = application.Templates,
            HookTimeouts = application.HookTimeouts,
            HealthCheck = application.HealthCheck,
        };
        return (assignment, null);
    }

    /// <summary>The name as it appears inside a variable name: <c>my-db</c> → <c>MY_DB</c> (as the agent names ports and peers).</summary>
    public static string VariableName(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) ? char.ToUpperInvariant(c) : '_');
        }

        return builder.ToString();
    }

    private static Dictionary<string, string> Environment(Job job, ApplicationDefinition application)
    {
        var environment = new Dictionary<string, string>(application.Environment, StringComparer.Ordinal)
        {
            ["WHARF_JOB_NAME"] = job.Specification.Name ?? "",
        };
        if (application.BaseDirectory is { } directory)
        {
            environment["WHARF_APP_DIR"] = directory;
        }

        foreach (var parameter in application.Parameters.Where(p => Scalars.Contains(p.Type)))
        {
            var value = job.Specification.Parameters?.GetValueOrDefault(parameter.Name);
            var text = value is not null ? value.RenderScalar() : parameter.DefaultValue is { } fallback ? Render(fallback) : null;
            if (text is not null)
            {
                environment[$"WHARF_PARAM_{VariableName(parameter.Name)}"] = text;
            }
        }

        return environment;
    }

    /// <summary>Every declared property with the job's value, else its default (those without either were refused at creation).</summary>
    private static Dictionary<string, JsonElement> PropertyValues(JobSpecification spec, ApplicationDefinition application)
    {
        var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in application.Properties)
        {
            if (spec.Properties?.TryGetValue(property.Name, out var value) == true)
            {
                values[property.Name] = value;
            }
            else if (property.Default is { } fallback)
            {
                values[property.Name] = fallback;
            }
        }

        return values;
    }

    private static string Render(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? "",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null or JsonValueKind.Undefined => "",
        _ => value.GetRawText(),
    };

    private static List<FileMount> Files(JobSpecification spec, ApplicationDefinition application)
    {
        var files = new List<FileMount>();
        foreach (var parameter in application.Parameters.Where(p => p.Type is ParameterTypes.File or ParameterTypes.Directory))
        {
            var value = spec.Parameters?.GetValueOrDefault(parameter.Name);
            var path = value?.Path ?? (parameter.DefaultValue is { ValueKind: JsonValueKind.String } fallback ? fallback.GetString() : null);
            if (!string.IsNullOrEmpty(path))
            {
                files.Add(new FileMount(parameter.Name, path, value?.ReadOnly == true, parameter.Type == ParameterTypes.Directory));
            }
        }

        var resources = spec.Resources ?? [];
        for (var i = 0; i < resources.Count; i++)
        {
            if (resources[i] is { Type: ParameterTypes.File or ParameterTypes.Directory, Path: { Length: > 0 } path } resource)
            {
                files.Add(new FileMount($"resource{i}", path, resource.ReadOnly == true, resource.Type == ParameterTypes.Directory));
            }
        }

        return files;
    }

    private async Task<List<PeerEndpoint>> PeersAsync(JobSpecification spec, CancellationToken cancellationToken)
    {
        var peers = new List<PeerEndpoint>();
        var named = (spec.Parameters ?? new Dictionary<string, AppParameterValue>())
            .Where(p => p.Value?.Type == ParameterTypes.Peer)
            .Select(p => (Hostname: p.Value.Hostname ?? p.Key, p.Value.JobId))
            .Concat((spec.Resources ?? []).Where(r => r?.Type == ParameterTypes.Peer).Select(r => (Hostname: r.Hostname ?? "", r.JobId)));
        foreach (var (hostname, jobId) in named)
        {
            if (string.IsNullOrEmpty(jobId) || string.IsNullOrEmpty(hostname))
            {
                continue;
            }

            var peer = index.FindPlaced(jobId) ?? await store.Jobs.GetJobAsync(jobId, cancellationToken);
            var first = peer?.Status.Ranks is { Count: > 0 } ranks ? ranks[0] : null;
            peers.Add(new PeerEndpoint(hostname, jobId, first?.Address, first?.Ports ?? new Dictionary<string, int>()));
        }

        return peers;
    }
}
