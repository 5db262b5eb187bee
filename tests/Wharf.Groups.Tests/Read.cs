using Wharf.Server.Groups.Manifests;

namespace Wharf.Groups.Tests;

/// <summary>Shortcuts for reading test manifests.</summary>
internal static class Read
{
    public static GroupManifest Compose(string yaml, string? env = null, Dictionary<string, string>? values = null, string? name = "app") =>
        ComposeManifest.Parse(yaml, env, values, name);

    public static GroupComponent Service(string yaml, string service, string? env = null) =>
        Compose(yaml, env).Components.Single(c => c.Name == service);

    public static IReadOnlyList<ManifestProblem> ComposeFaults(string yaml, string? env = null, Dictionary<string, string>? values = null, string? name = "app") =>
        Assert.Throws<ManifestException>(() => ComposeManifest.Parse(yaml, env, values, name)).Problems;

    public static IReadOnlyList<ManifestProblem> IcosFaults(string yaml) =>
        Assert.Throws<ManifestException>(() => IcosDescriptor.Parse(yaml)).Problems;

    public static ManifestProblem Single(IReadOnlyList<ManifestProblem> problems, string field) =>
        Assert.Single(problems, p => p.Field == field);
}
