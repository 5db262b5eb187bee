using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests;

/// <summary>RS256 JWTs from a configured OIDC provider, signed with a key pair made here.</summary>
public sealed class JwtTests : IDisposable
{
    private const string Issuer = "https://sso.example.org/realms/wharf";
    private const string Audience = "wharf";
    private readonly RSA _key = RSA.Create(2048);
    private readonly RSA _otherKey = RSA.Create(2048);

    public void Dispose()
    {
        _key.Dispose();
        _otherKey.Dispose();
    }

    [Fact]
    public async Task ValidJwt_IsAccepted_WithUserProjectAndRoleFromClaims()
    {
        await using var server = await StartAsync(keyFile: null);

        var user = await WhoAmIAsync(server, Sign(Claims()));
        Assert.Equal(("erin", "project-a", "user"), user);

        var admin = await WhoAmIAsync(server, Sign(Claims(roles: ["offline_access", "wharf-admin"])));
        Assert.Equal("admin", admin.Role);

        var jobs = await server.CreateJobsAsync(Sign(Claims()), JobBodies.Database());
        var job = await server.Store.Jobs.GetJobAsync(jobs[0], CancellationToken.None);
        Assert.Equal(new Domain.Jobs.Owner("erin", "project-a"), job!.Owner);
    }

    [Fact]
    public async Task Jwt_IsAccepted_WithAPemKeyFile()
    {
        var directory = Directory.CreateTempSubdirectory("wharf-jwt-");
        try
        {
            var pem = Path.Combine(directory.FullName, "key.pem");
            await File.WriteAllTextAsync(pem, _key.ExportSubjectPublicKeyInfoPem());
            await using var server = await StartAsync(pem);

            Assert.Equal("erin", (await WhoAmIAsync(server, Sign(Claims()))).User);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    public static TheoryData<string> Refusals => ["bad signature", "expired", "not yet valid", "wrong audience", "wrong issuer", "alg none", "alg HS256", "no user", "garbage"];

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task InvalidJwt_IsRefused401(string fault)
    {
        await using var server = await StartAsync(keyFile: null);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var token = fault switch
        {
            "bad signature" => Sign(Claims(), _otherKey),
            "expired" => Sign(Claims(exp: now - 600)),
            "not yet valid" => Sign(Claims(nbf: now + 600)),
            "wrong audience" => Sign(Claims(aud: "someone-else")),
            "wrong issuer" => Sign(Claims(iss: "https://evil.example.org")),
            "alg none" => Encode(new { alg = "none", typ = "JWT" }) + "." + Encode(Claims()) + ".",
            "alg HS256" => HmacWithPublicKey(),
            "no user" => Sign(Claims(user: null)),
            _ => "not.a.jwt",
        };

        using var response = await server.GetAsync("/api/whoami", token);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Jwt_WithinClockSkew_IsAccepted()
    {
        await using var server = await StartAsync(keyFile: null);

        var user = await WhoAmIAsync(server, Sign(Claims(exp: DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 10)));

        Assert.Equal("erin", user.User);
    }

    private Task<WharfTestServer> StartAsync(string? keyFile) =>
        WharfTestServer.StartAsync(o => new WharfServerOptions
        {
            DataDirectory = o.DataDirectory,
            Urls = o.Urls,
            CatalogDirectories = o.CatalogDirectories,
            Oidc = new OidcOptions
            {
                Issuer = Issuer,
                Audience = Audience,
                KeyFile = keyFile,
                JwksJson = keyFile is null ? Jwks() : null,
                ClockSkew = TimeSpan.FromSeconds(30),
            },
        });

    private static async Task<(string User, string? Project, string Role)> WhoAmIAsync(WharfTestServer server, string token)
    {
        using var response = await server.GetAsync("/api/whoami", token);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        return (root.GetProperty("user").GetString()!, root.TryGetProperty("project", out var p) ? p.GetString() : null, root.GetProperty("role").GetString()!);
    }

    private static Dictionary<string, object?> Claims(
        string? user = "erin", string[]? roles = null, long? exp = null, long? nbf = null, string aud = Audience, string iss = Issuer)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new Dictionary<string, object?>
        {
            ["iss"] = iss,
            ["aud"] = new[] { "account", aud },
            ["exp"] = exp ?? now + 300,
            ["iat"] = now,
            ["project"] = "project-a",
            ["realm_access"] = new { roles = roles ?? ["offline_access"] },
        };
        if (nbf is not null)
        {
            claims["nbf"] = nbf;
        }

        if (user is not null)
        {
            claims["preferred_username"] = user;
        }

        return claims;
    }

    private string Sign(object claims, RSA? key = null)
    {
        var input = Encode(new { alg = "RS256", typ = "JWT", kid = "k1" }) + "." + Encode(claims);
        var signature = (key ?? _key).SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return input + "." + Base64Url.EncodeToString(signature);
    }

    private string HmacWithPublicKey()
    {
        var input = Encode(new { alg = "HS256", typ = "JWT" }) + "." + Encode(Claims());
        var secret = Encoding.ASCII.GetBytes(_key.ExportSubjectPublicKeyInfoPem());
        return input + "." + Base64Url.EncodeToString(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(input)));
    }

    private string Jwks()
    {
        var parameters = _key.ExportParameters(includePrivateParameters: false);
        return JsonSerializer.Serialize(new
        {
            keys = new[]
            {
                new { kty = "RSA", kid = "k1", use = "sig", alg = "RS256", n = Base64Url.EncodeToString(parameters.Modulus), e = Base64Url.EncodeToString(parameters.Exponent) },
            },
        });
    }

    private static string Encode(object value) => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(value));
}
