using System.Text.Json;
using System.Text.RegularExpressions;
using Wharf.Domain.Validation;

namespace Wharf.Server.Api;

/// <summary>
/// Turns a <see cref="JsonException"/> into a field error a client can act on: the field as a path
/// (<c>items[0].replicas</c>), the line and column, and the fault in words, without .NET type names.
/// </summary>
internal static partial class JsonErrors
{
    public static ValidationError Describe(JsonException exception, bool useExceptionLine = true)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var field = ToField(exception.Path);
        var (code, reason) = Reason(exception);
        var where = useExceptionLine && exception.LineNumber is { } line
            ? $"line {line + 1}, column {(exception.BytePositionInLine ?? 0) + 1}: "
            : "";
        return new ValidationError(field, code, where + reason);
    }

    /// <summary><c>$.items[0].replicas</c> → <c>items[0].replicas</c>; the whole body is <c>$</c>.</summary>
    public static string ToField(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "$";
        }

        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.StartsWith('$') ? path[1..] : path;
    }

    /// <summary>The error code for the fault: <c>wrong_type</c>, <c>unknown_field</c>, or <c>malformed_json</c> for syntax.</summary>
    private static (string Code, string Message) Reason(JsonException exception)
    {
        var message = exception.Message;
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        if (cut >= 0)
        {
            message = message[..cut];
        }

        if (ConvertedTo().Match(message) is { Success: true } converted)
        {
            return ("wrong_type", "expected " + Friendly(converted.Groups["type"].Value));
        }

        if (Unmapped().Match(message) is { Success: true } unmapped)
        {
            return ("unknown_field", $"unknown field '{unmapped.Groups["name"].Value}'");
        }

        if (message.Contains("does not contain any JSON tokens", StringComparison.Ordinal))
        {
            return ("malformed_json", "the body is empty; a JSON object is expected");
        }

        // Whatever else the parser says, without the names of our types.
        return ("malformed_json", TypeName().Replace(message, "a value of another type").Trim());
    }

    private static string Friendly(string type) => type switch
    {
        "System.String" => "a string",
        "System.Int32" or "System.Int64" or "System.Int16" => "a whole number (within range)",
        "System.Double" or "System.Single" or "System.Decimal" => "a number",
        "System.Boolean" => "true or false",
        "System.DateTimeOffset" => "a time in epoch milliseconds",
        _ when type.Contains("IReadOnlyList", StringComparison.Ordinal) || type.Contains("List`", StringComparison.Ordinal) || type.EndsWith("[]", StringComparison.Ordinal) => "an array",
        _ when type.StartsWith("System.Nullable", StringComparison.Ordinal) && type.Contains("Int", StringComparison.Ordinal) => "a whole number (within range)",
        _ when type.StartsWith("System.Nullable", StringComparison.Ordinal) && type.Contains("Boolean", StringComparison.Ordinal) => "true, false or null",
        _ when type.StartsWith("System.Nullable", StringComparison.Ordinal) && type.Contains("Double", StringComparison.Ordinal) => "a number",
        _ => "an object",
    };

    [GeneratedRegex(@"could not be converted to (?<type>\S+?)\.?$")]
    private static partial Regex ConvertedTo();

    [GeneratedRegex(@"The JSON property '(?<name>[^']*)' could not be mapped")]
    private static partial Regex Unmapped();

    [GeneratedRegex(@"'?(System|Wharf)\.[\w.`\[\], ]+'?")]
    private static partial Regex TypeName();
}
