namespace Acme.Database;

/// <summary>One reply line of the protocol, and whether the server closes the connection after sending it.</summary>
internal readonly record struct Reply(string Line, bool Close = false)
{
    public static readonly Reply Ok = new("OK");
    public static readonly Reply NotFound = new("NOTFOUND");

    public static Reply Value(string value) => new($"VALUE {value}");

    public static Reply Error(string message) =>
        new("ERR " + message.ReplaceLineEndings(" "));
}
