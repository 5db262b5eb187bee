using System.Globalization;

namespace Acme.Database;

/// <summary>
/// Executes one protocol line against the store and returns its reply. Commands (case-insensitive):
/// <c>PING</c>, <c>GET key</c>, <c>SET key value</c>, <c>DEL key</c>, <c>INCR key</c>, <c>KEYS</c>, <c>QUIT</c>.
/// </summary>
internal sealed class CommandInterpreter(KeyValueStore store)
{
    /// <summary>The reply to <paramref name="line"/>.</summary>
    public Reply Execute(string line)
    {
        try
        {
            return Dispatch(line);
        }
        catch (IOException e)
        {
            return Reply.Error($"write failed: {e.Message}");
        }
    }

    private Reply Dispatch(string line)
    {
        var (command, rest) = Split(line);
        var (key, value) = Split(rest);
        var noArguments = string.IsNullOrEmpty(rest);
        var keyOnly = string.IsNullOrEmpty(value) && RecordKey.IsValid(key);
        switch (command.ToUpperInvariant())
        {
            case "PING" when noArguments:
                return new Reply("PONG");
            case "QUIT" when noArguments:
                return new Reply("BYE", Close: true);
            case "KEYS" when noArguments:
                var keys = store.Keys();
                return new Reply(keys.Count == 0 ? "KEYS" : "KEYS " + string.Join(' ', keys));
            case "GET" when keyOnly:
                return store.Get(key) is { } found ? Reply.Value(found) : Reply.NotFound;
            case "DEL" when keyOnly:
                return store.Delete(key) ? Reply.Ok : Reply.NotFound;
            case "INCR" when keyOnly:
                return Increment(key);
            case "SET" when RecordKey.IsValid(key) && value is not null:
                store.Set(key, value);
                return Reply.Ok;
            case "PING" or "QUIT" or "KEYS":
                return Reply.Error($"usage: {command.ToUpperInvariant()}");
            case "GET" or "DEL" or "INCR":
                return Reply.Error($"usage: {command.ToUpperInvariant()} key (a key is 1-{RecordKey.MaxLength} characters without spaces)");
            case "SET":
                return Reply.Error($"usage: SET key value (a key is 1-{RecordKey.MaxLength} characters without spaces)");
            case "":
                return Reply.Error("empty command");
            default:
                return Reply.Error($"unknown command '{Printable(command)}'");
        }
    }

    private Reply Increment(string key)
    {
        try
        {
            return Reply.Value(store.Increment(key).ToString(CultureInfo.InvariantCulture));
        }
        catch (FormatException)
        {
            return Reply.Error("value is not an integer");
        }
        catch (OverflowException)
        {
            return Reply.Error("value would overflow");
        }
    }

    // "SET k a b" splits into ("SET", "k a b") and then ("k", "a b"): a value keeps its inner spaces.
    private static (string Head, string? Tail) Split(string? text)
    {
        if (text is null)
        {
            return ("", null);
        }
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? (text, null) : (text[..space], text[(space + 1)..]);
    }

    private static string Printable(string text) =>
        new(text.Take(40).Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
