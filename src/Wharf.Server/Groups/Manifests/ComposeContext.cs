namespace Wharf.Server.Groups.Manifests;

/// <summary>What reading one service needs from the whole file.</summary>
/// <param name="Faults">Where faults and warnings go.</param>
/// <param name="Variables">The <c>.env</c> variables (for <c>environment</c> entries without a value).</param>
/// <param name="Services">Every service's name, for <c>depends_on</c> and <c>links</c>.</param>
/// <param name="Product">The top-level <c>x-wharf.product</c>, the default for every service.</param>
internal sealed record ComposeContext(
    ManifestFaults Faults, IReadOnlyDictionary<string, string> Variables, IReadOnlySet<string> Services, string? Product);
