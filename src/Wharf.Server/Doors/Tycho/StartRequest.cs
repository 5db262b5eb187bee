namespace Wharf.Server.Doors.Tycho;

/// <summary>A checked start request.</summary>
/// <param name="Name">The system's name (Tycho's <c>name</c>); replies call the system <c>&lt;name&gt;-&lt;sid&gt;</c>.</param>
/// <param name="Username">The principal's username, a label for <c>/system/status</c>; null when no principal was sent.</param>
/// <param name="ServiceAccount">Tycho's service account, kept as given.</param>
/// <param name="EnvText">The <c>.env</c> text (sent, or rendered from the env object).</param>
/// <param name="SystemText">The compose file as text (JSON when it came as an object).</param>
/// <param name="Services">The container port whose host port each named service should report.</param>
/// <param name="IdempotencyKey">The Idempotency-Key (header or body), if any.</param>
internal sealed record StartRequest(
    string Name, string? Username, string? ServiceAccount, string? EnvText, string SystemText, IReadOnlyDictionary<string, int> Services, string? IdempotencyKey);
