namespace Wharf.Server;

/// <summary>
/// How JWTs from an OpenID Connect provider (Keycloak, …) are accepted: only RS256, signed by one of the configured
/// keys, with the expected issuer and audience, within <c>exp</c>/<c>nbf</c> give or take <see cref="ClockSkew"/>.
/// </summary>
public sealed class OidcOptions
{
    /// <summary>The exact <c>iss</c> the tokens must carry (for Keycloak, <c>https://host/realms/name</c>).</summary>
    public required string Issuer { get; init; }

    /// <summary>The audience the tokens must name in <c>aud</c> (a string or an array).</summary>
    public required string Audience { get; init; }

    /// <summary>The provider's JSON Web Key Set as JSON text (<c>{"keys":[…]}</c>); this or <see cref="KeyFile"/>.</summary>
    public string? JwksJson { get; init; }

    /// <summary>A file holding the JSON Web Key Set, or one RSA public key in PEM; this or <see cref="JwksJson"/>.</summary>
    public string? KeyFile { get; init; }

    /// <summary>The claim that names the user; a dotted path reaches into objects.</summary>
    public string UserClaim { get; init; } = "preferred_username";

    /// <summary>The claim that names the project the user acts for (a string, or an array of exactly one).</summary>
    public string ProjectClaim { get; init; } = "project";

    /// <summary>The claim that lists the user's roles (an array or a space-separated string); Keycloak's realm roles by default.</summary>
    public string RolesClaim { get; init; } = "realm_access.roles";

    /// <summary>The role that makes the bearer a Wharf admin.</summary>
    public string AdminRole { get; init; } = "wharf-admin";

    /// <summary>The role that makes the bearer a Wharf agent.</summary>
    public string AgentRole { get; init; } = "wharf-agent";

    /// <summary>How far the provider's clock may be off from ours when <c>exp</c> and <c>nbf</c> are checked.</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromMinutes(1);
}
