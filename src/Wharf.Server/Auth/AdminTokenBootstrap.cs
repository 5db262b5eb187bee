using Wharf.Storage;

namespace Wharf.Server.Auth;

/// <summary>
/// The first admin token: made on the first start (when the store holds no admin token), stored hashed, and its
/// secret written to <c>admin.token</c> in the data folder, readable only by its owner.
/// </summary>
internal static class AdminTokenBootstrap
{
    public const string FileName = "admin.token";

    /// <summary>Creates the token if the store has no admin token; returns its secret, or null when one existed.</summary>
    public static async Task<string?> EnsureAsync(IWharfStore store, string tokenPath, DateTimeOffset now, ILogger logger, CancellationToken cancellationToken)
    {
        if (await store.Tokens.AnyWithRoleAsync(TokenRole.Admin, cancellationToken))
        {
            return null;
        }

        var secret = TokenSecrets.NewSecret();

        // The file is written before the token is stored: if writing fails, no admin token exists that nobody knows.
        WriteOwnerOnly(tokenPath, secret + "\n");
        var record = new TokenRecord(TokenSecrets.NewId(), TokenSecrets.Hash(secret), TokenRole.Admin, "admin", null, "first admin token", now, null);
        await store.Tokens.CreateAsync(record, cancellationToken);
        logger.LogInformation("Created the first admin token {TokenId}; its secret is in {Path}", record.Id, tokenPath);
        return secret;
    }

    private static void WriteOwnerOnly(string path, string content)
    {
        var temporary = path + ".tmp";
        File.Delete(temporary);
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            // Created with 0600 from the start, so the secret is never readable by others, not even briefly.
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(temporary, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), fileOptions))
        {
            writer.Write(content);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
