using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;

namespace Wharf.Server.Auth;

/// <summary>The RSA public keys that may sign accepted JWTs, read from a JSON Web Key Set or a PEM file.</summary>
internal sealed class OidcKeys : IDisposable
{
    private readonly List<(string? Kid, RSA Key)> _keys;

    private OidcKeys(List<(string? Kid, RSA Key)> keys) => _keys = keys;

    /// <summary>The keys to try for a token whose header names <paramref name="kid"/> (or none).</summary>
    public IEnumerable<RSA> For(string? kid) =>
        _keys.Where(k => kid is null || k.Kid is null || string.Equals(k.Kid, kid, StringComparison.Ordinal)).Select(k => k.Key);

    public static OidcKeys Load(OidcOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string text;
        if (options.JwksJson is { } json)
        {
            text = json;
        }
        else if (options.KeyFile is { } file)
        {
            text = File.ReadAllText(file);
        }
        else
        {
            throw new InvalidOperationException("OIDC needs JwksJson or KeyFile");
        }

        var keys = text.TrimStart().StartsWith("-----BEGIN", StringComparison.Ordinal) ? FromPem(text) : FromJwks(text);
        return keys.Count > 0
            ? new OidcKeys(keys)
            : throw new InvalidOperationException("the OIDC key set holds no RSA signing key");
    }

    private static List<(string? Kid, RSA Key)> FromPem(string pem)
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        return [(null, rsa)];
    }

    private static List<(string? Kid, RSA Key)> FromJwks(string json)
    {
        using var document = JsonDocument.Parse(json);
        if (!document.RootElement.TryGetProperty("keys", out var keys) || keys.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidOperationException("a JSON Web Key Set is an object with a 'keys' array");
        }

        var result = new List<(string? Kid, RSA Key)>();
        foreach (var key in keys.EnumerateArray())
        {
            if (Text(key, "kty") != "RSA" || Text(key, "use") is "enc" || Text(key, "alg") is { } alg && alg != "RS256")
            {
                continue;
            }

            var modulus = Text(key, "n");
            var exponent = Text(key, "e");
            if (modulus is null || exponent is null)
            {
                throw new InvalidOperationException("an RSA key in the JSON Web Key Set lacks 'n' or 'e'");
            }

            var rsa = RSA.Create();
            rsa.ImportParameters(new RSAParameters { Modulus = Base64Url.DecodeFromChars(modulus), Exponent = Base64Url.DecodeFromChars(exponent) });
            result.Add((Text(key, "kid"), rsa));
        }

        return result;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public void Dispose()
    {
        foreach (var (_, key) in _keys)
        {
            key.Dispose();
        }
    }
}
