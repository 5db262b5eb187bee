using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Wharf.Server.Doors.Tycho;

/// <summary>
/// Reads and checks the bodies the Tycho client sends. Every fault is collected, each naming its field, so one reply
/// names them all. Where the client and Tycho's documentation disagree (<c>env</c> as an object or as <c>.env</c>
/// text, <c>principal</c> as JSON text or an object), both forms are accepted.
/// </summary>
internal static class TychoRequests
{
    /// <summary>The longest system name: the job names made from it stay within the job name rules.</summary>
    public const int MaxNameLength = 100;

    /// <summary>Reads the body as one JSON object; a fault message when it is none.</summary>
    public static async Task<(JsonObject? Body, string? Fault, int Status)> ReadObjectAsync(HttpContext http, long limit, CancellationToken ct)
    {
        if (http.Request.ContentLength > limit)
        {
            return (null, $"body: larger than {limit} bytes", 413);
        }

        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, ct);
        if (buffer.Length > limit)
        {
            return (null, $"body: larger than {limit} bytes", 413);
        }

        try
        {
            var node = JsonNode.Parse(buffer.ToArray(), documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
            return node is JsonObject body ? (body, null, 200) : (null, "body: must be a JSON object", 400);
        }
        catch (JsonException e)
        {
            return (null, $"body: not valid JSON ({e.Message})", 400);
        }
    }

    /// <summary>Reads a start request; the faults, each as <c>field: problem</c>, when it is wrong.</summary>
    public static (StartRequest? Request, List<string> Faults) ReadStart(JsonObject body, string? headerKey)
    {
        var faults = new List<string>();
        var name = Text(body, "name", faults, required: true);
        if (name is not null && (name.Trim().Length == 0 || name.Length > MaxNameLength))
        {
            faults.Add($"name: 1–{MaxNameLength} characters, not blank");
        }

        var username = Principal(body["principal"], faults);
        var serviceAccount = Text(body, "serviceaccount", faults, required: false);
        var env = Env(body["env"], faults);
        var system = System(body["system"], faults);
        var services = Services(body["services"], faults);
        var bodyKey = Text(body, "idempotency_key", faults, required: false);
        if (headerKey is not null && bodyKey is not null && headerKey != bodyKey)
        {
            faults.Add("idempotency_key: differs from the Idempotency-Key header; send one, or the same in both");
        }

        var key = headerKey ?? bodyKey;
        if (bodyKey is not null && !Api.Identifiers.IsIdempotencyKey(bodyKey))
        {
            faults.Add("idempotency_key: 1–255 visible ASCII characters");
        }

        return faults.Count > 0
            ? (null, faults)
            : (new StartRequest(name!.Trim(), username, serviceAccount, env, system!, services, key), faults);
    }

    /// <summary>Reads a status request: an optional system (<c>name</c>) and an optional <c>username</c>.</summary>
    public static (string? Name, string? Username, List<string> Faults) ReadStatus(JsonObject body)
    {
        var faults = new List<string>();
        var name = Text(body, "name", faults, required: false);
        var username = Text(body, "username", faults, required: false);
        return (string.IsNullOrEmpty(name) ? null : name, string.IsNullOrEmpty(username) ? null : username, faults);
    }

    /// <summary>Reads a delete request: the system's <c>name</c> (its sid, or <c>&lt;name&gt;-&lt;sid&gt;</c>).</summary>
    public static (string? Name, List<string> Faults) ReadDelete(JsonObject body)
    {
        var faults = new List<string>();
        var name = Text(body, "name", faults, required: true);
        if (name is { Length: 0 })
        {
            faults.Add("name: the sid of the system to delete");
        }

        return (faults.Count > 0 ? null : name, faults);
    }

    /// <summary>The sid a name stands for: the sid itself (plain or dashed), or the 32 hex digits ending <c>&lt;name&gt;-&lt;sid&gt;</c>.</summary>
    public static string? SidOf(string name)
    {
        if (Groups.GroupService.NormalizeId(name) is { } sid && (name.Length == 32 || name.Length == 36))
        {
            return sid;
        }

        return name.Length > 33 && name[^33] == '-' ? Groups.GroupService.NormalizeId(name[^32..]) : null;
    }

    private static string? Text(JsonObject body, string field, List<string> faults, bool required)
    {
        var node = body[field];
        if (node is null)
        {
            if (required)
            {
                faults.Add($"{field}: required");
            }

            return null;
        }

        if (node.GetValueKind() != JsonValueKind.String)
        {
            faults.Add($"{field}: must be a string");
            return null;
        }

        return node.GetValue<string>();
    }

    /// <summary>The principal's username: the client sends <c>principal</c> as JSON text, <c>'{"username": "renci"}'</c>.</summary>
    private static string? Principal(JsonNode? node, List<string> faults)
    {
        if (node is null)
        {
            return null;
        }

        var principal = node as JsonObject;
        if (principal is null && node.GetValueKind() == JsonValueKind.String)
        {
            try
            {
                principal = JsonNode.Parse(node.GetValue<string>()) as JsonObject;
            }
            catch (JsonException)
            {
                principal = null;
            }
        }

        if (principal is null)
        {
            faults.Add("principal: a JSON object {\"username\": …}, or that object as JSON text");
            return null;
        }

        if (principal["username"] is not { } user || user.GetValueKind() != JsonValueKind.String || user.GetValue<string>().Trim().Length == 0)
        {
            faults.Add("principal.username: required, a non-empty string");
            return null;
        }

        return user.GetValue<string>().Trim();
    }

    /// <summary>
    /// The <c>.env</c> text: as sent when it is text; rendered from an object of strings (the client's
    /// <c>parse_env</c>), each value single- or double-quoted so that it is read back exactly.
    /// </summary>
    private static string? Env(JsonNode? node, List<string> faults)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonObject values:
                var text = new StringBuilder();
                foreach (var (key, value) in values)
                {
                    if (!IsEnvName(key))
                    {
                        faults.Add($"env.{key}: a variable name is letters, digits, '_', '.' or '-', and starts with a letter or '_'");
                    }
                    else if (value is null || value.GetValueKind() is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False))
                    {
                        faults.Add($"env.{key}: must be a string");
                    }
                    else
                    {
                        var raw = value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();
                        text.Append(key).Append('=').Append(Quote(raw)).Append('\n');
                    }
                }

                return text.ToString();
            default:
                if (node.GetValueKind() == JsonValueKind.String)
                {
                    return node.GetValue<string>();
                }

                faults.Add("env: an object of strings, or the text of a .env file");
                return null;
        }
    }

    private static string Quote(string value) =>
        value.Contains('\'', StringComparison.Ordinal) || value.Contains('\n', StringComparison.Ordinal) || value.Contains('\r', StringComparison.Ordinal)
            ? "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
                .Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal)
                .Replace("$", "$$", StringComparison.Ordinal) + "\""
            : "'" + value + "'";

    private static bool IsEnvName(string key) =>
        key.Length > 0 && (char.IsAsciiLetter(key[0]) || key[0] == '_') && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-');

    /// <summary>The compose file as text: the client sends it as a JSON object; YAML or JSON text is taken too.</summary>
    private static string? System(JsonNode? node, List<string> faults)
    {
        switch (node)
        {
            case JsonObject system:
                return system.ToJsonString();
            case not null when node.GetValueKind() == JsonValueKind.String && node.GetValue<string>().Trim().Length > 0:
                return node.GetValue<string>();
            default:
                faults.Add(node is null ? "system: required, the compose file as a JSON object (or its YAML text)" : "system: the compose file as a JSON object, or its YAML or JSON text");
                return null;
        }
    }

    /// <summary>The services whose ports the caller wants back: <c>{svc: {port, clients?}}</c>.</summary>
    private static Dictionary<string, int> Services(JsonNode? node, List<string> faults)
    {
        var services = new Dictionary<string, int>(StringComparer.Ordinal);
        if (node is null)
        {
            return services;
        }

        if (node is not JsonObject given)
        {
            faults.Add("services: an object {service: {port}}");
            return services;
        }

        foreach (var (name, value) in given)
        {
            if (value is not JsonObject service)
            {
                faults.Add($"services.{name}: an object {{port, clients?}}");
                continue;
            }

            if (Port(service["port"]) is { } port)
            {
                services[name] = port;
            }
            else
            {
                faults.Add($"services.{name}.port: required, a container port (1–65535) of the service");
            }

            if (service["clients"] is { } clients && (clients is not JsonArray list || list.Any(c => c?.GetValueKind() != JsonValueKind.String)))
            {
                faults.Add($"services.{name}.clients: a list of addresses (CIDR text)");
            }
        }

        return services;
    }

    private static int? Port(JsonNode? node)
    {
        var kind = node?.GetValueKind();
        var port = 0;
        var ok = kind == JsonValueKind.Number ? node!.AsValue().TryGetValue(out port)
            : kind == JsonValueKind.String && int.TryParse(node!.GetValue<string>(), NumberStyles.None, CultureInfo.InvariantCulture, out port);
        return ok && port is >= 1 and <= 65535 ? port : null;
    }
}
