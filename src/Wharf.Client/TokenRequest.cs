namespace Wharf.Client;

/// <summary>What <c>POST /api/tokens</c> is asked to issue.</summary>
/// <param name="Role"><c>user</c>, <c>admin</c> or <c>agent</c>.</param>
/// <param name="User">The user (or agent) name the bearer acts as.</param>
/// <param name="Project">The project a user's token acts for; null for admins and agents.</param>
/// <param name="Name">A label for people.</param>
/// <param name="ExpiresInSeconds">How long the token works; null for ever.</param>
public sealed record TokenRequest(string Role, string User, string? Project = null, string? Name = null, long? ExpiresInSeconds = null);
