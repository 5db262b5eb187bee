using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Wharf.Server.Auth;

/// <summary>Makes token secrets and public ids, and the digest under which a secret is stored.</summary>
internal static class TokenSecrets
{
    /// <summary>Every secret Wharf issues starts with this, so it can be told from a JWT and found by secret scanners.</summary>
    public const string Prefix = "wharf_";

    /// <summary>A new secret: <c>wharf_</c> and 32 random bytes in base64url.</summary>
    public static string NewSecret() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>A new public id for a token (not secret).</summary>
    public static string NewId() => "tok_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>The hex SHA-256 of a secret: the only form in which the store keeps it.</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
