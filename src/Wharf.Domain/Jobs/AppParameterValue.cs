using System.Text.Json;

namespace Wharf.Domain.Jobs;

/// <summary>
/// A parameter or resource value, UCloud's <c>AppParameterValue</c>: a <c>type</c> and the fields of that type
/// (<c>file{path, readOnly}</c>, <c>peer{hostname, jobId}</c>, <c>text|integer|floating_point|boolean|enumeration{value}</c>, …).
/// It is kept flat so that a request with the wrong fields for its type can be refused with the field named,
/// rather than failing to deserialize.
/// </summary>
public sealed record AppParameterValue
{
    /// <summary>The value's type, as UCloud names it (<c>file</c>, <c>peer</c>, <c>text</c>, <c>floating_point</c>, …).</summary>
    public string? Type { get; init; }

    /// <summary>For <c>file</c> and <c>directory</c>: the path in the file store.</summary>
    public string? Path { get; init; }

    /// <summary>For <c>file</c> and <c>directory</c>: mount read-only.</summary>
    public bool? ReadOnly { get; init; }

    /// <summary>For scalar types: the value as sent (string, number or boolean).</summary>
    public JsonElement? Value { get; init; }

    /// <summary>For <c>peer</c>: the hostname under which the peer is reached.</summary>
    public string? Hostname { get; init; }

    /// <summary>For <c>peer</c>: the id of the peer job.</summary>
    public string? JobId { get; init; }

    /// <summary>For <c>license_server</c>, <c>network</c>, <c>ingress</c>, <c>block_storage</c>: the resource id.</summary>
    public string? Id { get; init; }

    /// <summary>A peer value.</summary>
    public static AppParameterValue Peer(string hostname, string jobId) => new() { Type = ParameterTypes.Peer, Hostname = hostname, JobId = jobId };

    /// <summary>A file value.</summary>
    public static AppParameterValue File(string path, bool readOnly = false) => new() { Type = ParameterTypes.File, Path = path, ReadOnly = readOnly };

    /// <summary>A text value.</summary>
    public static AppParameterValue Text(string value) => new() { Type = ParameterTypes.Text, Value = JsonSerializer.SerializeToElement(value) };

    /// <summary>An integer value.</summary>
    public static AppParameterValue Integer(long value) => new() { Type = ParameterTypes.Integer, Value = JsonSerializer.SerializeToElement(value) };

    /// <summary>A boolean value.</summary>
    public static AppParameterValue Boolean(bool value) => new() { Type = ParameterTypes.Boolean, Value = JsonSerializer.SerializeToElement(value) };

    /// <summary>The value rendered as text for a command line or environment (empty when there is none).</summary>
    public string RenderScalar() => Value switch
    {
        null => Path ?? Hostname ?? Id ?? string.Empty,
        { ValueKind: JsonValueKind.String } v => v.GetString() ?? string.Empty,
        { ValueKind: JsonValueKind.True } => "true",
        { ValueKind: JsonValueKind.False } => "false",
        { } v => v.GetRawText(),
    };
}

/// <summary>The parameter types Wharf knows, with UCloud's wire names.</summary>
public static class ParameterTypes
{
    /// <summary>A file in the file store: <c>{path, readOnly}</c>.</summary>
    public const string File = "file";

    /// <summary>A folder in the file store: <c>{path, readOnly}</c>.</summary>
    public const string Directory = "directory";

    /// <summary>Free text.</summary>
    public const string Text = "text";

    /// <summary>Free text over several lines.</summary>
    public const string TextArea = "textarea";

    /// <summary>A whole number.</summary>
    public const string Integer = "integer";

    /// <summary>A number with a fraction.</summary>
    public const string FloatingPoint = "floating_point";

    /// <summary>True or false.</summary>
    public const string Boolean = "boolean";

    /// <summary>One of the options the application lists.</summary>
    public const string Enumeration = "enumeration";

    /// <summary>Another job, reached by a hostname: <c>{hostname, jobId}</c>.</summary>
    public const string Peer = "peer";

    /// <summary>The types an application may declare for a parameter.</summary>
    public static readonly IReadOnlySet<string> Declarable = new HashSet<string>(StringComparer.Ordinal)
    {
        File, Directory, Text, TextArea, Integer, FloatingPoint, Boolean, Enumeration, Peer,
    };

    /// <summary>The types a job may list under <c>resources</c>.</summary>
    public static readonly IReadOnlySet<string> Resources = new HashSet<string>(StringComparer.Ordinal) { Peer, File, Directory };
}
