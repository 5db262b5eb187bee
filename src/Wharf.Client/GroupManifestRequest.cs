namespace Wharf.Client;

/// <summary>
/// The body of <c>POST /api/groups</c> and <c>PUT /api/groups/{id}</c>: a manifest as text and what goes with it.
/// </summary>
/// <param name="Kind"><c>compose</c> (the server's default when null) or <c>icos</c>.</param>
/// <param name="Manifest">The compose file (YAML or JSON) or the ICOS application descriptor (YAML), as written.</param>
/// <param name="Name">The group's name when the manifest names none (a compose file's top-level <c>name</c> wins).</param>
/// <param name="Env">The compose <c>.env</c> text.</param>
/// <param name="EnvValues">Variables for the compose file; these win over <paramref name="Env"/>.</param>
public sealed record GroupManifestRequest(
    string? Kind, string Manifest, string? Name = null, string? Env = null, IReadOnlyDictionary<string, string>? EnvValues = null);
