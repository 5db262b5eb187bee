using System.Security.Cryptography;
using System.Text;

namespace Wharf.Server.Callbacks;

/// <summary>
/// The deployment's key for signing callbacks: configured, or kept in <c>callback.secret</c> in the data folder
/// (made on the first start, readable only by its owner). Several servers sharing a database must share it.
/// </summary>
internal sealed class CallbackSecret
{
    public const string FileName = "callback.secret";

    private CallbackSecret(byte[] key) => Key = key;

    public byte[] Key { get; }

    public static CallbackSecret Load(WharfServerOptions options)
    {
        if (options.Callbacks.Secret is { Length: > 0 } configured)
        {
            return new CallbackSecret(Encoding.UTF8.GetBytes(configured));
        }

        var path = Path.Combine(options.DataDirectory, FileName);
        if (!File.Exists(path))
        {
            var temporary = path + ".tmp";
            File.Delete(temporary);
            var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var writer = new StreamWriter(temporary, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), fileOptions))
            {
                writer.Write(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)) + "\n");
            }

            // Two servers starting at once on one folder: whichever moves second keeps the first one's key.
            try
            {
                File.Move(temporary, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(temporary);
            }
        }

        return new CallbackSecret(Encoding.UTF8.GetBytes(File.ReadAllText(path).Trim()));
    }

    /// <summary>The value of the signature header for <paramref name="body"/>: <c>sha256=</c> and the hex HMAC.</summary>
    public string Sign(byte[] body) => "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Key, body));
}
