using System.Globalization;
using System.Text.Json.Nodes;
using Wharf.Domain.Groups;
using Wharf.Domain.Jobs;
using Wharf.Server.Catalog;
using Wharf.Server.Groups;

namespace Wharf.Server.Doors.Tycho;

/// <summary>
/// A job group as Tycho shows a system: its name <c>&lt;name&gt;-&lt;sid&gt;</c>, the host port of each service the
/// start asked for, readiness and utilization. What the door adds to a group is kept in its annotations.
/// </summary>
internal sealed class TychoSystem(GroupView view)
{
    /// <summary>The annotation keys the door keeps its fields under.</summary>
    public static class Annotations
    {
        /// <summary>Tycho's system name, as sent to start.</summary>
        public const string Name = "tycho.name";

        /// <summary>The principal's username (a label the status filter matches).</summary>
        public const string Username = "tycho.username";

        /// <summary>Tycho's service account, kept as given.</summary>
        public const string ServiceAccount = "tycho.serviceaccount";

        /// <summary>The services whose ports replies report, as JSON <c>{svc: portName}</c> in the order asked.</summary>
        public const string Services = "tycho.services";
    }

    /// <summary>The group and its jobs.</summary>
    public GroupView View => view;

    /// <summary>The group's id: Tycho's <c>sid</c>.</summary>
    public string Sid => view.Group.Id;

    /// <summary>Tycho's name for the system: the name given to start (the group's name for groups made elsewhere) and the sid.</summary>
    public string Name => $"{AppName}-{Sid}";

    /// <summary>The name given to start, or the group's name.</summary>
    public string AppName => Annotation(Annotations.Name) ?? view.Group.Name;

    /// <summary>The username status filters on: the principal's, or the group owner's for groups made elsewhere.</summary>
    public string Username => Annotation(Annotations.Username) ?? view.Group.Owner.CreatedBy;

    /// <summary>The services whose ports are reported, with their port names; for groups made elsewhere, each service's first port.</summary>
    public IReadOnlyList<(string Service, string Port)> Services
    {
        get
        {
            if (Annotation(Annotations.Services) is { } text && JsonNode.Parse(text) is JsonObject given)
            {
                return [.. given.Select(p => (p.Key, p.Value?.GetValue<string>() ?? ""))];
            }

            return [.. view.Jobs.Where(j => j.Specification.Group is not null && j.Specification.Definition?.Ports.Count > 0)
                .Select(j => (j.Specification.Group!.Component, j.Specification.Definition!.Ports[0].Name))];
        }
    }

    /// <summary>Where rank 0 of <paramref name="service"/> answers on <paramref name="port"/>, once it runs.</summary>
    public (string Address, int Port)? Endpoint(string service, string port)
    {
        var rank = view.JobOf(service)?.Status.Ranks?.FirstOrDefault(r => r.Rank == 0);
        return rank is { State: RankState.Running, HostPorts: { } ports } && ports.TryGetValue(port, out var number)
            ? (rank.Address ?? "127.0.0.1", number)
            : null;
    }

    /// <summary>
    /// Ready: the group is wanted running and every member job runs, with every rank running and healthy where the
    /// service has a health check, or has ended successfully (a one-shot service that did its work).
    /// </summary>
    public bool IsReady =>
        view.Group.State == GroupState.Active && view.Jobs.Count > 0 && view.Jobs.Count == view.Group.Members.Count
        && view.Jobs.All(j => j.Status.State == JobState.Success || (j.Status.State == JobState.Running && RanksReady(j)));

    /// <summary>Start's result: <c>{name, sid, conn_string, containers: {svc: {ip_address, "port-1", port}}}</c>.</summary>
    public JsonObject StartResult()
    {
        var containers = new JsonObject();
        foreach (var (service, port) in Services)
        {
            var endpoint = Endpoint(service, port);
            containers[service] = new JsonObject
            {
                ["ip_address"] = endpoint?.Address ?? "127.0.0.1",
                ["port-1"] = endpoint?.Port ?? 0,
                ["port"] = endpoint?.Port ?? 0,
            };
        }

        return new JsonObject { ["name"] = Name, ["sid"] = Sid, ["conn_string"] = ConnString(), ["containers"] = containers };
    }

    /// <summary>One entry of status's result, with only the keys the client's <c>TychoService</c> accepts.</summary>
    public JsonObject StatusEntry(CatalogSnapshot catalog)
    {
        var first = FirstEndpoint();
        var utilization = new JsonObject();
        foreach (var job in view.Jobs.Where(j => !j.Status.State.IsFinal() && j.Specification.Group is not null))
        {
            utilization[job.Specification.Group!.Component] = Utilization(job, catalog);
        }

        return new JsonObject
        {
            ["name"] = Name,
            ["app_id"] = AppName,
            ["ip_address"] = first?.Address ?? "127.0.0.1",
            ["port"] = first?.Port ?? 0,
            ["sid"] = Sid,
            ["creation_time"] = view.Group.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["username"] = Username,
            ["utilization"] = utilization,
            ["conn_string"] = ConnString(),
            ["workspace_name"] = "",
            ["is_ready"] = IsReady,
        };
    }

    private string ConnString() => FirstEndpoint() is { } endpoint ? $"{endpoint.Address}:{endpoint.Port}" : "";

    private (string Address, int Port)? FirstEndpoint() =>
        Services.Select(s => Endpoint(s.Service, s.Port)).FirstOrDefault(e => e is not null);

    private string? Annotation(string key) => view.Group.Annotations?.GetValueOrDefault(key);

    private static bool RanksReady(Job job)
    {
        var ranks = job.Status.Ranks ?? [];
        var checkedHealth = job.Specification.Definition?.HealthCheck is not null;
        return ranks.Count > 0 && ranks.All(r => r.State == RankState.Running && (!checkedHealth || r.Health == RankHealth.Healthy));
    }

    /// <summary>
    /// What a service holds, for all its ranks: cpu in millicores (<c>"1500m"</c>) and memory in MiB (<c>"1024Mi"</c>),
    /// the forms the client's arithmetic understands; GPUs as <c>nvidia.com/gpu</c> when there are any.
    /// </summary>
    private static JsonObject Utilization(Job job, CatalogSnapshot catalog)
    {
        var spec = job.Specification;
        var product = spec.Product is { } reference ? catalog.FindProduct(reference) : null;
        var demand = spec.RankDemand ?? new RankDemand(product?.Cpu ?? 0, (long)Math.Ceiling((product?.MemoryInGigs ?? 0) * 1024), product?.Gpu ?? 0);
        var replicas = job.Status.Replicas ?? spec.Replicas;
        var result = new JsonObject
        {
            ["cpu"] = $"{(long)Math.Ceiling(demand.Cpu * 1000 * replicas)}m",
            ["memory"] = $"{demand.MemoryMiB * replicas}Mi",
        };
        if (demand.Gpu > 0)
        {
            result["nvidia.com/gpu"] = (demand.Gpu * replicas).ToString(CultureInfo.InvariantCulture);
        }

        return result;
    }
}
