using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Wharf.Server.Doors.Icos;

/// <summary>
/// The ICOS job manager's wire values: job states 1–4 and types 5–8 (one Go <c>iota</c> block), orchestrators and
/// remediations. Input accepts the integers and the string forms agents send (the Nuvla deployment manager's
/// <c>deployed</c>, <c>degraded</c>, <c>stopped</c>); output uses integers, or the Nuvla strings for that orchestrator.
/// </summary>
internal static class IcosWire
{
    public const int Created = 1;
    public const int Progressing = 2;
    public const int Finished = 3;
    public const int Degraded = 4;

    /// <summary>Not an ICOS state: the Nuvla agent's <c>stopped</c>, the deployment is gone.</summary>
    public const int Stopped = 100;

    public const int CreateDeployment = 5;
    public const int DeleteDeployment = 6;
    public const int UpdateDeployment = 7;
    public const int ReplaceDeployment = 8;

    public const string Ocm = "ocm";
    public const string Nuvla = "nuvla";

    /// <summary>The remediation values of a policy incompliance.</summary>
    public static readonly IReadOnlySet<string> Remediations = new HashSet<string>(StringComparer.Ordinal)
    {
        "scale-up", "scale-down", "scale-out", "scale-in", "patch", "reallocation",
    };

    public static bool IsOrchestrator(string? text) => text is Ocm or Nuvla;

    /// <summary>A job state from an integer or a string (ICOS names or the Nuvla agent's words); null when it is neither.</summary>
    public static int? ReadState(JsonNode? node) => Number(node) is { } n
        ? n is >= Created and <= Degraded ? n : null
        : Text(node)?.ToLowerInvariant() switch
        {
            "created" or "jobcreated" or "pending" => Created,
            "progressing" or "jobprogressing" or "processing" or "starting" or "stopping" or "updating" => Progressing,
            "finished" or "jobfinished" or "completed" or "deployed" or "started" or "running" => Finished,
            "degraded" or "jobdegraded" or "error" or "failed" => Degraded,
            "stopped" or "deleted" or "removed" => Stopped,
            _ => null,
        };

    /// <summary>A job type from an integer or its name (<c>CreateDeployment</c>, <c>create</c>, …); null when it is neither.</summary>
    public static int? ReadType(JsonNode? node) => Number(node) is { } n
        ? n is >= CreateDeployment and <= ReplaceDeployment ? n : null
        : Text(node)?.ToLowerInvariant() switch
        {
            "createdeployment" or "create" => CreateDeployment,
            "deletedeployment" or "delete" => DeleteDeployment,
            "updatedeployment" or "update" => UpdateDeployment,
            "replacedeployment" or "replace" => ReplaceDeployment,
            _ => null,
        };

    /// <summary>The Nuvla deployment manager's word for what to do with a job it pulls.</summary>
    public static string NuvlaAction(int type) => type == DeleteDeployment ? "stopping" : "starting";

    /// <summary>The Nuvla word for a state on a job it reads back.</summary>
    public static string NuvlaState(int state, int type) => state switch
    {
        Created => NuvlaAction(type),
        Progressing => type == DeleteDeployment ? "stopping" : "starting",
        Finished => type == DeleteDeployment ? "stopped" : "deployed",
        Degraded => "degraded",
        _ => "unknown",
    };

    /// <summary>An ICOS time on the wire: RFC 3339 in UTC with milliseconds.</summary>
    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    /// <summary>The text of a string, number or boolean node; null otherwise.</summary>
    public static string? Text(JsonNode? node) => node is JsonValue value
        ? value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.Number => value.ToJsonString(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        }
        : null;

    /// <summary>An integer from a number or a numeric string; null otherwise.</summary>
    public static int? Number(JsonNode? node) => node is JsonValue value && value.GetValueKind() == JsonValueKind.Number
        ? value.TryGetValue<int>(out var n) ? n : null
        : int.TryParse(Text(node), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;

    /// <summary>A boolean from true/false or their strings; null otherwise.</summary>
    public static bool? Flag(JsonNode? node) => Text(node)?.ToLowerInvariant() switch
    {
        "true" => true,
        "false" => false,
        _ => null,
    };
}
