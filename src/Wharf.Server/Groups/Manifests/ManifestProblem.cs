namespace Wharf.Server.Groups.Manifests;

/// <summary>One fault in a manifest.</summary>
/// <param name="Field">Where: a path such as <c>services.web.depends_on.db.condition</c> or <c>components[1].requirements.cpu</c>.</param>
/// <param name="Code">A stable machine-readable code (<c>required</c>, <c>invalid</c>, <c>unknown_service</c>, <c>cycle</c>, <c>syntax</c>, …).</param>
/// <param name="Message">A sentence for people, naming the line when the manifest is text (<c>line 7: …</c>).</param>
/// <param name="Line">The 1-based line in the manifest text, when known.</param>
public sealed record ManifestProblem(string Field, string Code, string Message, int? Line = null);
