using System.Net;
using System.Text.Json;
using Wharf.Server.Tests.Infrastructure;
using Wharf.Storage;

namespace Wharf.Server.Tests;

public sealed class AdminTokenTests
{
    [Fact]
    public async Task FirstStart_WritesAdminTokenFileWithMode0600_AndRestartMakesNoSecond()
    {
        var directory = Path.Combine(Path.GetTempPath(), "wharf-server-tests", Guid.NewGuid().ToString("N"));
        var first = await WharfTestServer.StartAsync(directory: directory);
        var secret = first.Host.NewAdminToken!;
        Assert.StartsWith("wharf_", secret, StringComparison.Ordinal);
        Assert.Equal(Path.Combine(first.Options.DataDirectory, "admin.token"), first.Host.AdminTokenPath);
        Assert.Equal(secret, File.ReadAllText(first.Host.AdminTokenPath).Trim());
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(first.Host.AdminTokenPath));
        }

        using (var whoami = await first.GetAsync("/api/whoami", secret))
        {
            using var document = JsonDocument.Parse(await whoami.Content.ReadAsStringAsync());
            Assert.Equal("admin", document.RootElement.GetProperty("role").GetString());
        }

        // The store keeps only the digest.
        var stored = await first.Store.Tokens.ListAsync(CancellationToken.None);
        Assert.DoesNotContain(stored, t => t.Hash == secret);
        await first.StopKeepingDataAsync();

        await using var again = await WharfTestServer.StartAsync(directory: directory);
        Assert.Null(again.Host.NewAdminToken);
        Assert.Equal(secret, File.ReadAllText(again.Host.AdminTokenPath).Trim());
        var admins = (await again.Store.Tokens.ListAsync(CancellationToken.None)).Where(t => t.Role == TokenRole.Admin).ToList();
        Assert.Single(admins);
        using var response = await again.GetAsync("/api/whoami", secret);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
