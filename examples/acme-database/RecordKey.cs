namespace Acme.Database;

/// <summary>What a key may be: 1 to 256 characters, none of them whitespace or control characters.</summary>
internal static class RecordKey
{
    /// <summary>The longest key, in characters.</summary>
    public const int MaxLength = 256;

    /// <summary>True when <paramref name="key"/> can be stored.</summary>
    public static bool IsValid(string key) =>
        key.Length is > 0 and <= MaxLength && !key.Any(c => char.IsWhiteSpace(c) || char.IsControl(c));

    /// <summary>Throws when <paramref name="key"/> cannot be stored.</summary>
    public static void Validate(string key)
    {
        if (!IsValid(key))
        {
            throw new ArgumentException($"a key is 1-{MaxLength} characters without spaces or control characters", nameof(key));
        }
    }
}
