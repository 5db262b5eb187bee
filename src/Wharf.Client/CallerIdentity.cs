namespace Wharf.Client;

/// <summary>Who the server takes the caller to be (<c>GET /api/whoami</c>).</summary>
/// <param name="User">The user (or agent) name.</param>
/// <param name="Project">The project a user acts for; null for admins and agents.</param>
/// <param name="Role"><c>user</c>, <c>admin</c> or <c>agent</c>.</param>
public sealed record CallerIdentity(string User, string? Project, string Role);
