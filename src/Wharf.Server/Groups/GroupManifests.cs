using Wharf.Domain.Validation;
using Wharf.Server.Groups.Manifests;

namespace Wharf.Server.Groups;

/// <summary>Reads a manifest of either kind, turning its faults into validation errors under a field prefix.</summary>
internal static class GroupManifests
{
    /// <summary>The manifest, or every fault of it (fields prefixed by <paramref name="prefix"/>).</summary>
    public static (GroupManifest? Manifest, IReadOnlyList<ValidationError> Errors) Read(
        string kind, string text, string? env, IReadOnlyDictionary<string, string>? envValues, string? name, string prefix)
    {
        try
        {
            var manifest = kind switch
            {
                GroupKinds.Compose => ComposeManifest.Parse(text, env, envValues, name),
                GroupKinds.Icos => IcosDescriptor.Parse(text),
                _ => throw new ManifestException(new ManifestProblem("kind", "invalid_value", $"kind is '{GroupKinds.Compose}' or '{GroupKinds.Icos}', not '{kind}'")),
            };
            return (manifest, []);
        }
        catch (ManifestException e)
        {
            return (null, [.. e.Problems.Select(p => new ValidationError(p.Field == "kind" ? "kind" : $"{prefix}{p.Field}", p.Code, p.Message))]);
        }
    }
}
