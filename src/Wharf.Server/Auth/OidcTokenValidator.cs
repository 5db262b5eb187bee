using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Wharf.Storage;

namespace Wharf.Server.Auth;

/// <summary>
/// Validates RS256 JWTs from the configured OpenID Connect provider and turns them into a <see cref="Caller"/>.
/// Written on System.Security.Cryptography because the JwtBearer package cannot be used on this stack.
/// </summary>
internal sealed class OidcTokenValidator(OidcOptions? options) : IDisposable
{
    private const int MaxTokenLength = 16 * 1024;

    private readonly OidcKeys? _keys = options is null ? null : OidcKeys.Load(options);

    public bool IsConfigured => options is not null;

    /// <summary>The caller the token proves, or the reason it is refused.</summary>
    public (Caller? Caller, string? Refusal) Validate(string token, DateTimeOffset now)
    {
        if (options is null || _keys is null)
        {
            return (null, "JWTs are not accepted by this server");
        }

        var parts = token.Split('.');
        if (token.Length > MaxTokenLength || parts.Length != 3)
        {
            return (null, "the token is not a JWT");
        }

        byte[] signature;
        JsonElement header;
        JsonElement payload;
        try
        {
            header = ParseObject(parts[0]);
            payload = ParseObject(parts[1]);
            signature = Base64Url.DecodeFromChars(parts[2]);
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException)
        {
            return (null, "the token is not a well-formed JWT");
        }

        // Only RS256: accepting the header's choice ("none", HS256 with the public key as secret) is the classic JWT hole.
        if (Text(header, "alg") != "RS256" || header.TryGetProperty("crit", out _))
        {
            return (null, "only RS256 JWTs are accepted");
        }

        var signed = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        if (!_keys.For(Text(header, "kid")).Any(key => Verify(key, signed, signature)))
        {
            return (null, "the JWT's signature does not verify");
        }

        return CheckClaims(options, payload, now);
    }

    private static (Caller? Caller, string? Refusal) CheckClaims(OidcOptions options, JsonElement payload, DateTimeOffset now)
    {
        if (!TryTime(payload, "exp", out var expires) || expires is null)
        {
            return (null, "the JWT has no valid 'exp'");
        }

        if (now - options.ClockSkew >= expires)
        {
            return (null, "the JWT has expired");
        }

        if (!TryTime(payload, "nbf", out var notBefore) || (notBefore is { } nbf && now + options.ClockSkew < nbf))
        {
            return (null, "the JWT is not valid yet");
        }

        if (!string.Equals(Text(payload, "iss"), options.Issuer, StringComparison.Ordinal))
        {
            return (null, "the JWT was issued by another issuer");
        }

        if (!HasAudience(payload, options.Audience))
        {
            return (null, "the JWT is meant for another audience");
        }

        var user = Find(payload, options.UserClaim) is { ValueKind: JsonValueKind.String } u ? u.GetString() : null;
        if (string.IsNullOrWhiteSpace(user))
        {
            return (null, $"the JWT has no '{options.UserClaim}' claim");
        }

        var project = Find(payload, options.ProjectClaim) switch
        {
            { ValueKind: JsonValueKind.String } p => p.GetString(),
            { ValueKind: JsonValueKind.Array } a when a.GetArrayLength() == 1 && a[0].ValueKind == JsonValueKind.String => a[0].GetString(),
            _ => null,
        };
        var roles = RolesOf(Find(payload, options.RolesClaim));
        var role = roles.Contains(options.AdminRole) ? TokenRole.Admin
            : roles.Contains(options.AgentRole) ? TokenRole.Agent
            : TokenRole.User;
        return (new Caller(user, string.IsNullOrWhiteSpace(project) ? null : project, role), null);
    }

    private static bool Verify(RSA key, byte[] signed, byte[] signature)
    {
        // One key object serves every request; an RSA instance is not documented as safe for concurrent use.
        lock (key)
        {
            return key.VerifyData(signed, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
    }

    private static JsonElement ParseObject(string part)
    {
        using var document = JsonDocument.Parse(Base64Url.DecodeFromChars(part));
        return document.RootElement.ValueKind == JsonValueKind.Object
            ? document.RootElement.Clone()
            : throw new InvalidOperationException("a JWT part is not an object");
    }

    private static bool TryTime(JsonElement payload, string name, out DateTimeOffset? time)
    {
        time = null;
        if (!payload.TryGetProperty(name, out var value))
        {
            return true;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var seconds) || seconds < 0 || seconds > 253402300799)
        {
            return false;
        }

        time = DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000));
        return true;
    }

    private static bool HasAudience(JsonElement payload, string audience) => payload.TryGetProperty("aud", out var aud) && aud.ValueKind switch
    {
        JsonValueKind.String => aud.GetString() == audience,
        JsonValueKind.Array => aud.EnumerateArray().Any(a => a.ValueKind == JsonValueKind.String && a.GetString() == audience),
        _ => false,
    };

    private static HashSet<string> RolesOf(JsonElement? claim) => claim switch
    {
        { ValueKind: JsonValueKind.Array } array => [.. array.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.String).Select(r => r.GetString()!)],
        { ValueKind: JsonValueKind.String } text => [.. text.GetString()!.Split(' ', StringSplitOptions.RemoveEmptyEntries)],
        _ => [],
    };

    /// <summary>A claim by dotted path (<c>realm_access.roles</c>); a claim whose own name has dots is found first.</summary>
    private static JsonElement? Find(JsonElement payload, string path)
    {
        if (payload.TryGetProperty(path, out var direct))
        {
            return direct;
        }

        var current = payload;
        foreach (var part in path.Split('.'))
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(part, out current))
            {
                return null;
            }
        }

        return current;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public void Dispose() => _keys?.Dispose();
}
