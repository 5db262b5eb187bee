using System.Text.Json.Serialization;
using Wharf.Server.Auth;
using Wharf.Storage;

namespace Wharf.Server.Doors.Icos;

/// <summary>
/// A Keycloak-style OAuth2 client-credentials token endpoint, <c>POST /realms/{realm}/protocol/openid-connect/token</c>,
/// so that an ICOS agent configured for Keycloak can point at Wharf instead: <c>client_id</c> is the agent's user name
/// and <c>client_secret</c> a Wharf API token issued to that user; the access token is that same token. No new
/// secret is minted per login (an agent re-logs on every 401, and a token per login would pile up in the store).
/// </summary>
internal static class TokenEndpoint
{
    // Keycloak always says how long a token lasts; a token without an end is given an hour, after which a client re-logs.
    private const int DefaultLifetimeSeconds = 3600;

    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/realms/{realm}/protocol/openid-connect/token", IssueAsync).AllowAnonymous().DisableAntiforgery().WithTags("ICOS")
            .WithName("IcosToken").WithSummary("OAuth2 client credentials: client_id = user, client_secret = a Wharf token of that user");
    }

    private static async Task<IResult> IssueAsync(HttpContext http, TokenCache tokens, TimeProvider time, CancellationToken ct)
    {
        if (!http.Request.HasFormContentType)
        {
            return Refuse(400, "invalid_request", "send an application/x-www-form-urlencoded body with client_id, client_secret and grant_type");
        }

        IFormCollection form;
        try
        {
            form = await http.Request.ReadFormAsync(ct);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            return Refuse(400, "invalid_request", "the form body could not be read");
        }

        if (form["grant_type"] != "client_credentials")
        {
            return Refuse(400, "unsupported_grant_type", "grant_type must be client_credentials");
        }

        string? clientId = form["client_id"];
        string? secret = form["client_secret"];
        if (string.IsNullOrEmpty(clientId) || string.IsNullOrEmpty(secret) || !secret.StartsWith(TokenSecrets.Prefix, StringComparison.Ordinal) || secret.Length > 1024)
        {
            return Refuse(401, "invalid_client", "client_id and client_secret (a Wharf API token) are required");
        }

        var now = time.GetUtcNow();
        var record = await tokens.FindAsync(secret, ct);
        if (record is null || record.User != clientId || record.Role == TokenRole.Agent || record.ExpiresAt is { } end && end <= now)
        {
            return Refuse(401, "invalid_client", "the client secret is not a valid Wharf token of this client");
        }

        var lifetime = record.ExpiresAt is { } expires ? (int)Math.Clamp((expires - now).TotalSeconds, 1, int.MaxValue) : DefaultLifetimeSeconds;
        return TypedResults.Ok(new TokenAnswer(secret, "Bearer", lifetime, "profile"));
    }

    private static IResult Refuse(int status, string error, string description) =>
        TypedResults.Json(new TokenRefusal(error, description), statusCode: status);

    /// <summary>The OAuth2 token answer.</summary>
    private sealed record TokenAnswer(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("token_type")] string TokenType,
        [property: JsonPropertyName("expires_in")] int ExpiresIn,
        [property: JsonPropertyName("scope")] string Scope);

    /// <summary>The OAuth2 error answer.</summary>
    private sealed record TokenRefusal(
        [property: JsonPropertyName("error")] string Error,
        [property: JsonPropertyName("error_description")] string Description);
}
