using System.Text.Json;
using Wharf.Domain.Catalog;
using Wharf.Domain.Jobs;

namespace Wharf.Server.Groups.Manifests;

/// <summary>One component of a group (a compose service, an ICOS component): it becomes one job.</summary>
public sealed record GroupComponent
{
    /// <summary>The component's name, unique in the group; peers reach it by this hostname.</summary>
    public required string Name { get; init; }

    /// <summary>
    /// What Wharf's agents run for it (compose: from <c>x-wharf</c>, <c>command</c>/<c>entrypoint</c>, <c>environment</c>,
    /// <c>ports</c>, <c>healthcheck</c>); null for a component an external orchestrator executes (ICOS).
    /// Its <see cref="ApplicationDefinition.Name"/> is the component's name, its version <c>"group"</c>.
    /// </summary>
    public ApplicationDefinition? Definition { get; init; }

    /// <summary>The number of ranks (compose <c>deploy.replicas</c>).</summary>
    public int Replicas { get; init; } = 1;

    /// <summary>What each rank needs (compose <c>deploy.resources</c>, ICOS <c>requirements.cpu/memory</c>); null: the product's size.</summary>
    public RankDemand? Demand { get; init; }

    /// <summary>The product each rank runs on (<c>x-wharf.product</c>: <c>provider/category/id</c> or an id); null: the server's default.</summary>
    public string? Product { get; init; }

    /// <summary>Components that must reach a condition first (compose <c>depends_on</c>).</summary>
    public IReadOnlyList<ComponentDependency> DependsOn { get; init; } = [];

    /// <summary>
    /// Components this one reaches by name (its peers): those it depends on to start or be healthy, and its <c>links</c>.
    /// </summary>
    public IReadOnlyList<string> Peers { get; init; } = [];

    /// <summary>When true, a rank that exits is started again (compose <c>restart: always | unless-stopped | on-failure</c>).</summary>
    public bool RestartOnExit { get; init; }

    /// <summary>ICOS: the component's type as the descriptor gives it.</summary>
    public string? Type { get; init; }

    /// <summary>ICOS: the manifests (YAML text) the orchestrator applies for this component, in order.</summary>
    public IReadOnlyList<string> Manifests { get; init; } = [];

    /// <summary>ICOS: where it may run (the matchmaker's targets); empty when the descriptor names none.</summary>
    public IReadOnlyList<ComponentTarget> Targets { get; init; } = [];

    /// <summary>ICOS: the orchestrator that executes it (<c>ocm</c>, <c>nuvla</c>); null when any may.</summary>
    public string? Orchestrator { get; init; }

    /// <summary>ICOS: placement requirements other than cpu and memory (<c>architecture</c>, <c>devices</c>, <c>nodelabel</c>), as text.</summary>
    public IReadOnlyDictionary<string, string> Requirements { get; init; } = new Dictionary<string, string>();

    /// <summary>ICOS: the component's policies, kept as given.</summary>
    public JsonElement? Policies { get; init; }
}

/// <summary>A component that must reach <paramref name="Condition"/> (one of <see cref="DependencyConditions"/>) first.</summary>
public sealed record ComponentDependency(string Component, string Condition);

/// <summary>An ICOS target: a cluster, optionally a node in it, and the orchestrator that manages it.</summary>
public sealed record ComponentTarget(string? ClusterName, string? NodeName, string? Orchestrator);
