using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Wharf.Server.Problems;

namespace Wharf.Server.Auth;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;token&gt;</c>: Wharf's own tokens (<c>wharf_…</c>, looked up by digest)
/// and, when configured, RS256 JWTs from an OpenID Connect provider. The same token is also taken as the password of
/// <c>Authorization: Basic</c> credentials, for clients that can send nothing else. Refusals are answered as problems.
/// </summary>
internal sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    TokenCache tokens,
    OidcTokenValidator oidc,
    TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";

    private const int MaxTokenLength = 16 * 1024;
    private static readonly object RefusalKey = new();

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var headers = Request.Headers.Authorization;
        if (headers.Count == 0)
        {
            return AuthenticateResult.NoResult();
        }

        if (headers.Count > 1)
        {
            return Refuse("send one Authorization header");
        }

        var header = headers[0] ?? "";
        string token;
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            token = header["Bearer ".Length..].Trim();
        }
        else if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            // Clients that cannot send a bearer token (Tycho's reads ~/.netrc) send the token as the Basic password; it
            // is then checked exactly as a bearer token. The user name is ignored: the token alone says who calls.
            if (BasicPassword(header["Basic ".Length..].Trim()) is not { } password)
            {
                return Refuse("Basic credentials must be base64 of 'user:token'");
            }

            token = password;
        }
        else
        {
            return Refuse("the Authorization header must be 'Bearer <token>' or 'Basic <base64 of user:token>'");
        }

        if (token.Length is 0 or > MaxTokenLength)
        {
            return Refuse("the bearer token is empty or too long");
        }

        var now = time.GetUtcNow();
        Caller caller;
        if (token.StartsWith(TokenSecrets.Prefix, StringComparison.Ordinal))
        {
            var record = await tokens.FindAsync(token, Context.RequestAborted);
            if (record is null)
            {
                return Refuse("the token is unknown or revoked");
            }

            if (record.ExpiresAt is { } expires && expires <= now)
            {
                return Refuse("the token has expired");
            }

            caller = new Caller(record.User, record.Project, record.Role);
        }
        else if (oidc.IsConfigured)
        {
            var (validated, refusal) = oidc.Validate(token, now);
            if (validated is null)
            {
                return Refuse(refusal ?? "the token is not accepted");
            }

            caller = validated;
        }
        else
        {
            return Refuse("the token is unknown or revoked");
        }

        return AuthenticateResult.Success(new AuthenticationTicket(caller.ToPrincipal(SchemeName), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var refusal = Context.Items.TryGetValue(RefusalKey, out var value) ? value as string : null;
        Response.Headers.WWWAuthenticate = refusal is null ? "Bearer" : "Bearer error=\"invalid_token\"";
        await Problem.Unauthorized(refusal ?? "this request needs 'Authorization: Bearer <token>'").ExecuteAsync(Context);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var caller = Context.User.Identity?.IsAuthenticated == true ? Caller.From(Context.User) : null;
        var detail = caller is null
            ? "your token may not do this"
            : $"a token with role '{Roles.ToWire(caller.Role)}' may not {Request.Method} {Request.Path}";
        await Problem.Forbidden(detail).ExecuteAsync(Context);
    }

    /// <summary>The password of Basic credentials (base64 of UTF-8 <c>user:password</c>), or null when they are malformed.</summary>
    private static string? BasicPassword(string encoded)
    {
        if (encoded.Length > MaxTokenLength * 2)
        {
            return null;
        }

        var bytes = new byte[encoded.Length];
        if (!Convert.TryFromBase64String(encoded, bytes, out var length))
        {
            return null;
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, length);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? null : text[(colon + 1)..].Trim();
    }

    private AuthenticateResult Refuse(string reason)
    {
        Context.Items[RefusalKey] = reason;
        return AuthenticateResult.Fail(reason);
    }
}
