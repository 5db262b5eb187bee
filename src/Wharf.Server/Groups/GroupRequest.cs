namespace Wharf.Server.Groups;

/// <summary>The body of <c>POST /api/groups</c> and <c>PUT /api/groups/{id}</c>: a manifest and what goes with it.</summary>
/// <param name="Kind"><c>compose</c> (the default) or <c>icos</c>.</param>
/// <param name="Manifest">The compose file (YAML or JSON) or the ICOS application descriptor (YAML), as text.</param>
/// <param name="Name">The group's name when the manifest names none (compose).</param>
/// <param name="Env">The compose <c>.env</c> text.</param>
/// <param name="EnvValues">Variables for the compose file, as an object of strings; these win over <paramref name="Env"/>.</param>
internal sealed record GroupRequest(string? Kind, string? Manifest, string? Name, string? Env, IReadOnlyDictionary<string, string>? EnvValues);
