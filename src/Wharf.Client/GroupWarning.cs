namespace Wharf.Client;

/// <summary>What a manifest held that Wharf read but does not act on (an unset variable, a key only a container engine uses).</summary>
/// <param name="Field">Where, e.g. <c>services.web.volumes</c>.</param>
/// <param name="Code">A stable code (<c>unset_variable</c>, <c>ignored</c>, …).</param>
/// <param name="Message">A sentence for people.</param>
/// <param name="Line">The line in the manifest, when known.</param>
public sealed record GroupWarning(string Field, string Code, string Message, int? Line = null);
