using System.Text;

namespace Wharf.Cli.Hosting;

/// <summary>A file holding one secret (a token) on one line, readable and writable by its owner only (mode 0600).</summary>
internal static class SecretFile
{
    /// <summary>The secret in <paramref name="path"/>, or null when the file is missing or blank.</summary>
    public static string? Read(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var text = File.ReadAllText(path).Trim();
        return text.Length == 0 ? null : text;
    }

    /// <summary>Writes <paramref name="secret"/> to <paramref name="path"/>, replacing what was there.</summary>
    public static void Write(string path, string secret)
    {
        var temporary = path + ".tmp";
        File.Delete(temporary);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            // Created 0600 from the start, so the secret is never readable by others, not even briefly.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(temporary, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), options))
        {
            writer.Write(secret + "\n");
        }

        File.Move(temporary, path, overwrite: true);
    }
}
