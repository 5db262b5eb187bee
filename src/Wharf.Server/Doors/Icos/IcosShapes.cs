using System.Text.Json.Nodes;
using Wharf.Domain.Groups;
using Wharf.Domain.Jobs;
using Wharf.Server.Groups;
using Wharf.Server.Groups.Manifests;

namespace Wharf.Server.Doors.Icos;

/// <summary>
/// The ICOS job manager's JSON shapes (<c>models.Job</c>, <c>models.JobGroup</c>, <c>models.Resource</c>) built from
/// Wharf jobs and groups, and the Nuvla deployment manager's form of a job: <c>state</c> as a word, <c>manifests</c>
/// as one string, <c>clustername</c>, and the older fields (<c>ID</c>, <c>uuid</c>, <c>manifest</c>, <c>locker</c>).
/// </summary>
internal static class IcosShapes
{
    /// <summary>The separator between Kubernetes documents in one string.</summary>
    public const string DocumentSeparator = "\n---\n";

    /// <summary>A group id on this door: the dashed UUID.</summary>
    public static string GroupId(string id) => Guid.TryParseExact(id, "N", out var guid) ? guid.ToString("D") : id;

    public static JsonObject Group(GroupView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var jobs = new JsonArray();
        foreach (var job in view.Jobs.Where(j => !IcosFacts.Of(j).Deleted))
        {
            jobs.Add(Job(job, view.Group, nuvla: false));
        }

        return new JsonObject
        {
            ["id"] = GroupId(view.Group.Id),
            ["appName"] = view.Group.Name,
            ["appDescription"] = view.Group.Description ?? "",
            ["jobs"] = jobs,
            ["state"] = view.State,
            ["created_at"] = IcosWire.Time(view.Group.CreatedAt),
            ["updated_at"] = IcosWire.Time(view.Group.UpdatedAt),
        };
    }

    /// <summary>
    /// The job; <paramref name="orchestrator"/> names the orchestrator asking (a job any may run shows theirs), and
    /// <paramref name="nuvla"/> selects the Nuvla deployment manager's form.
    /// </summary>
    public static JsonObject Job(Job job, JobGroup? group, bool nuvla, string? orchestrator = null)
    {
        ArgumentNullException.ThrowIfNull(job);
        var facts = IcosFacts.Of(job);
        var manifests = facts.ManifestsOf(job);
        var targets = (facts.Targets ?? job.Specification.Annotations?.GetValueOrDefault(Groups.GroupPlanner.IcosTargets)) is { } given
            && JsonNode.Parse(given) is JsonArray stored ? stored : [];
        var first = targets.Count > 0 ? targets[0]?.AsObject() : null;
        var wanted = job.Specification.Orchestrator is "any" or null ? "" : job.Specification.Orchestrator;
        var updated = facts.UpdatedAt ?? (job.Updates.Count > 0 ? job.Updates[^1].Timestamp : job.CreatedAt);
        var result = new JsonObject
        {
            ["id"] = job.Id,
            ["job_group_id"] = job.Specification.Group is { } member ? GroupId(member.GroupId) : "",
            ["job_group_name"] = group?.Name ?? "",
            ["job_group_description"] = group?.Description ?? "",
            ["owner_id"] = facts.Owner ?? "",
            ["type"] = facts.Type,
            ["sub_type"] = facts.SubType ?? "",
            ["state"] = facts.State,
            ["manifests"] = new JsonArray([.. manifests.Select((text, i) => (JsonNode)new JsonObject { ["id"] = i + 1, ["yamlString"] = text })]),
            ["targets"] = first?.DeepClone() ?? new JsonObject { ["cluster_name"] = "", ["node_name"] = "", ["orchestrator"] = wanted },
            ["orchestrator"] = orchestrator ?? wanted,
            ["resource"] = Resource(job),
            ["namespace"] = facts.Namespace ?? NamespaceOf(manifests) ?? "",
            ["replicas"] = job.Status.Replicas ?? job.Specification.Replicas,
            ["component"] = job.Specification.Group?.Component ?? "",
            ["wharf_state"] = job.Status.State.ToWire(),
            ["created_at"] = IcosWire.Time(job.CreatedAt),
            ["updated_at"] = IcosWire.Time(updated),
        };
        if (nuvla)
        {
            var joined = string.Join(DocumentSeparator, manifests.Select(m => m.TrimEnd('\n')));
            result["ID"] = job.Id;
            result["uuid"] = facts.ResourceUuid ?? Guid.Empty.ToString("D");
            result["state"] = IcosWire.NuvlaState(facts.State, facts.Type);
            result["manifests"] = joined;
            result["manifest"] = joined;
            result["targets"] = targets.DeepClone();
            result["clustername"] = first?["cluster_name"]?.DeepClone() ?? "";
            result["locker"] = facts.Owner is not null;
            result["statusfeedback"] = job.Status.Conditions?.FirstOrDefault(c => c.Type == "Degraded" && c.Status == "True")?.Message ?? "";
        }

        return result;
    }

    /// <summary><c>models.Resource</c>: the deployed resource and its conditions.</summary>
    public static JsonObject Resource(Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var facts = IcosFacts.Of(job);
        var conditions = new JsonArray();
        foreach (var condition in job.Status.Conditions ?? [])
        {
            conditions.Add(new JsonObject
            {
                ["type"] = condition.Type,
                ["status"] = condition.Status,
                ["observedGeneration"] = condition.ObservedGeneration ?? 0,
                ["lastTransitionTime"] = IcosWire.Time(condition.LastTransitionTime),
                ["reason"] = condition.Reason ?? "",
                ["message"] = condition.Message ?? "",
            });
        }

        return new JsonObject
        {
            ["id"] = job.Id,
            ["job_id"] = job.Id,
            ["resource_uuid"] = facts.ResourceUuid ?? "",
            ["resource_name"] = facts.ResourceName ?? NameOf(facts.ManifestsOf(job)) ?? "",
            ["conditions"] = conditions,
            ["created_at"] = IcosWire.Time(job.CreatedAt),
            ["updated_at"] = IcosWire.Time(facts.UpdatedAt ?? job.CreatedAt),
        };
    }

    private static string? NamespaceOf(IReadOnlyList<string> manifests) =>
        manifests.Select(m => Read(m)?["metadata"]?["namespace"]).Select(IcosWire.Text).FirstOrDefault(n => !string.IsNullOrEmpty(n));

    private static string? NameOf(IReadOnlyList<string> manifests) =>
        manifests.Select(m => Read(m)?["metadata"]?["name"]).Select(IcosWire.Text).FirstOrDefault(n => !string.IsNullOrEmpty(n));

    /// <summary>A manifest's root, or null when it is not one YAML mapping.</summary>
    public static JsonObject? Read(string manifest)
    {
        try
        {
            return ManifestText.Read(manifest).Root as JsonObject;
        }
        catch (ManifestException)
        {
            return null;
        }
    }
}
