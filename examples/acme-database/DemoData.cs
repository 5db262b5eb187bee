namespace Acme.Database;

/// <summary>The keys a brand-new store starts with, so a fresh database has something to show.</summary>
internal static class DemoData
{
    /// <summary>The demo keys and their values.</summary>
    public static readonly IReadOnlyList<KeyValuePair<string, string>> Keys =
    [
        new("greeting", "Hello from acme-database"),
        new("product", "ACME key-value store 1.0.0"),
        new("visits", "0"),
    ];
}
