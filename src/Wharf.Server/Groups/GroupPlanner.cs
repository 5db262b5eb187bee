using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Wharf.Domain.Catalog;
using Wharf.Domain.Groups;
using Wharf.Domain.Jobs;
using Wharf.Domain.Serialization;
using Wharf.Domain.Validation;
using Wharf.Server.Catalog;
using Wharf.Server.Groups.Manifests;
using Wharf.Storage;

namespace Wharf.Server.Groups;

/// <summary>The jobs to create for a group's components, or every problem that prevents them.</summary>
/// <param name="Jobs">The new jobs, in start order.</param>
/// <param name="Components">The component each new job runs, in the same order.</param>
/// <param name="Errors">Problems, each naming its field; nothing is created when there is one.</param>
internal sealed record GroupPlan(IReadOnlyList<NewJob> Jobs, IReadOnlyList<string> Components, IReadOnlyList<ValidationError> Errors);

/// <summary>
/// Turns a manifest's components into job specifications: an inline application, a product, peers by component name
/// and dependencies, each naming its sibling by item reference (<c>#n</c>) when it is created in the same request, or
/// by id when it already runs. Every specification is then validated as any job is.
/// </summary>
internal static partial class GroupPlanner
{
    /// <summary>
    /// What a compose service without <c>deploy.resources</c> reserves per rank: a tenth of a core and 64 MiB. Compose
    /// reserves nothing by default, and the product's whole size would let a two-core node run only two services.
    /// </summary>
    public static readonly RankDemand ComposeDefaultDemand = new(0.1, 64);

    /// <summary>Plans new jobs for the components named in <paramref name="renew"/>; the others keep their jobs (<see cref="JobGroup.Members"/>).</summary>
    public static GroupPlan Plan(JobGroup group, GroupManifest manifest, IReadOnlyList<string> renew, CatalogSnapshot catalog)
    {
        var errors = new List<ValidationError>();
        var renewed = renew.ToHashSet(StringComparer.Ordinal);
        var items = new Dictionary<string, int>(StringComparer.Ordinal);
        var jobs = new List<NewJob>();
        var components = new List<string>();
        foreach (var component in manifest.Components)
        {
            if (!renewed.Contains(component.Name))
            {
                continue;
            }

            var field = $"components.{component.Name}";
            string? Reference(string target, string path)
            {
                if (items.TryGetValue(target, out var item))
                {
                    return ItemReferences.To(item);
                }

                if (!renewed.Contains(target) && group.JobOf(target) is { } running)
                {
                    return running;
                }

                errors.Add(new(path, "invalid_order", $"'{component.Name}' reaches '{target}', which does not start before it; add a depends_on"));
                return null;
            }

            var peers = component.Peers.Select(p => Reference(p, $"{field}.peers.{p}") is { } id ? AppParameterValue.Peer(p, id) : null).OfType<AppParameterValue>().ToList();
            var dependsOn = component.DependsOn.Select(d => Reference(d.Component, $"{field}.depends_on.{d.Component}") is { } id ? new JobDependency(id, d.Condition) : null).OfType<JobDependency>().ToList();
            var product = ResolveProduct(component.Product, catalog, $"{field}.product", errors);
            var definition = component.Definition is { } given
                ? ApplicationRules.Normalize(given with { Name = ApplicationName(component.Name), Version = GroupService.ComponentVersion })
                : new ApplicationDefinition { Name = ApplicationName(component.Name), Version = "icos", Description = component.Type };
            if (component.Definition is not null)
            {
                errors.AddRange(ApplicationRules.Check(definition).Where(e => e.Field is not ("name" or "version"))
                    .Select(e => e with { Field = $"{field}.{e.Field}" }));
            }

            var spec = new JobSpecification
            {
                Application = new NameAndVersion(definition.Name, definition.Version),
                Definition = definition,
                Product = product?.Reference,
                Name = JobName(group.Name, component.Name),
                Replicas = component.Replicas,
                AllowDuplicateJob = true,
                RestartOnExit = component.RestartOnExit ? true : null,
                Resources = peers.Count == 0 ? null : peers,
                DependsOn = dependsOn.Count == 0 ? null : dependsOn,
                Group = new GroupMembership(group.Id, component.Name),
                Orchestrator = manifest.Kind == GroupKinds.Icos ? component.Orchestrator ?? Orchestrators.Any : null,
                RankDemand = component.Demand ?? (manifest.Kind == GroupKinds.Compose ? ComposeDefaultDemand : null),
                Annotations = manifest.Kind == GroupKinds.Icos ? IcosAnnotations(component) : null,
            };
            // Siblings are not created yet (#n) or are the group's own members: both are peers this group may use.
            errors.AddRange(JobSpecificationValidator.Validate(spec, field, catalog, id => ItemReferences.IndexOf(id) is not null || group.Members.Any(m => m.JobId == id)
                ? new PeerView(id, JobState.InQueue)
                : null));
            var queue = definition.Queue ?? Queues.Default;
            var status = new JobStatus { Queue = queue, Reason = $"waiting: queued in '{queue}'" };
            items[component.Name] = jobs.Count;
            jobs.Add(new NewJob(spec, status, JobFingerprint.Compute(spec), RefuseDuplicate: false));
            components.Add(component.Name);
        }

        return new GroupPlan(jobs, components, errors);
    }

    /// <summary>The digest of each component, by name (see <see cref="JobGroup.ComponentDigests"/>).</summary>
    public static IReadOnlyDictionary<string, string> Digests(GroupManifest manifest) =>
        manifest.Components.ToDictionary(c => c.Name, Digest, StringComparer.Ordinal);

    /// <summary>A digest of everything a component's job is made from.</summary>
    public static string Digest(GroupComponent component) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(component, WharfJson.Options))));

    /// <summary>The annotation that holds an ICOS component's targets, as the ICOS wire shows them (a JSON list).</summary>
    public const string IcosTargets = "icos.targets";

    /// <summary>
    /// What the orchestrator that pulls an ICOS component needs, kept with its job: its manifests (<c>icos.manifest.N</c>)
    /// and its targets (<see cref="IcosTargets"/>), so that the door never reads the descriptor again.
    /// </summary>
    private static Dictionary<string, string> IcosAnnotations(GroupComponent component)
    {
        var annotations = component.Manifests.Select((text, i) => (Key: $"icos.manifest.{i}", text)).ToDictionary(m => m.Key, m => m.text, StringComparer.Ordinal);
        annotations[IcosTargets] = JsonSerializer.Serialize(component.Targets.Select(t => new Dictionary<string, string>
        {
            ["cluster_name"] = t.ClusterName ?? "",
            ["node_name"] = t.NodeName ?? "",
            ["orchestrator"] = t.Orchestrator ?? "",
        }));
        return annotations;
    }

    private static Product? ResolveProduct(string? named, CatalogSnapshot catalog, string field, List<ValidationError> errors)
    {
        if (named is null)
        {
            // The product groups run on when the manifest names none: the smallest one, so components fit anywhere.
            var fallback = catalog.Products.OrderBy(p => p.Cpu).ThenBy(p => p.MemoryInGigs).ThenBy(p => p.Id, StringComparer.Ordinal).FirstOrDefault();
            if (fallback is null)
            {
                errors.Add(new(field, "unknown_product", "the catalog has no product to run the group's jobs on; add one or name one in x-wharf.product"));
            }

            return fallback;
        }

        var parts = named.Split('/');
        var found = parts.Length == 3
            ? catalog.FindProduct(new ProductReference(parts[2], parts[1], parts[0]))
            : catalog.Products.FirstOrDefault(p => string.Equals(p.Id, named, StringComparison.Ordinal));
        if (found is null)
        {
            errors.Add(new(field, "unknown_product", $"there is no product '{named}' (give provider/category/id or an id)"));
        }

        return found;
    }

    /// <summary>A job name from the group's and component's names, within the job name rules.</summary>
    private static string JobName(string group, string component)
    {
        var name = Unnamable().Replace($"{group} {component}", "_");
        return name.Length <= JobSpecificationValidator.MaxNameLength ? name : name[..JobSpecificationValidator.MaxNameLength];
    }

    /// <summary>An application name from a component name, within the catalog's name rules.</summary>
    private static string ApplicationName(string component)
    {
        var name = NotInAppName().Replace(component.ToLowerInvariant(), "-").Trim('-', '.', '_');
        name = name.Length == 0 ? "component" : name;
        return name.Length <= 100 ? name : name[..100].TrimEnd('-', '.', '_');
    }

    [GeneratedRegex(@"[^\w ():_-]")]
    private static partial Regex Unnamable();

    [GeneratedRegex(@"[^a-z0-9._-]")]
    private static partial Regex NotInAppName();
}

/// <summary>Values of <see cref="JobSpecification.Orchestrator"/>.</summary>
internal static class Orchestrators
{
    /// <summary>Any ICOS orchestrator may pull the job (its component named no target).</summary>
    public const string Any = "any";
}
