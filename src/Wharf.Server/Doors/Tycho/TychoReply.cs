using System.Text.Json.Nodes;

namespace Wharf.Server.Doors.Tycho;

/// <summary>
/// Tycho's reply: exactly <c>{"status", "result", "message"}</c>. The client builds its objects with
/// <c>TychoSystem(**reply)</c> and <c>TychoStatus(**reply)</c>, so any other top-level key makes it crash.
/// </summary>
internal static class TychoReply
{
    /// <summary>A success reply (HTTP 200) carrying <paramref name="result"/>.</summary>
    public static IResult Success(JsonNode result, string message) => Write(200, "success", result, message);

    /// <summary>
    /// A failure of the operation itself (a system that did not start, a sid that is not there), answered with HTTP
    /// 200 as Tycho's API does: the client then shows the message instead of only an HTTP status.
    /// </summary>
    public static IResult Failure(string message) => Write(200, "error", null, message);

    /// <summary>A refused request (4xx): the message names every bad field; nothing was changed.</summary>
    public static IResult Refused(int status, string message) => Write(status, "error", null, message);

    private static IResult Write(int status, string outcome, JsonNode? result, string message)
    {
        var body = new JsonObject { ["status"] = outcome, ["result"] = result, ["message"] = message };
        return TypedResults.Content(body.ToJsonString(), "application/json", statusCode: status);
    }
}
