using System.Buffers;
using System.Text.Json;
using Wharf.Domain.Serialization;
using Wharf.Server.Problems;

namespace Wharf.Server.Api;

/// <summary>
/// Reads request bodies by hand rather than by model binding: whatever the Content-Type says (seed 000 sends
/// <c>content-type: application/json; charset=utf-8</c> as its value), within the size limit, and with every
/// failure turned into a problem that names the fault.
/// </summary>
internal static class RequestBody
{
    /// <summary>
    /// How much beyond the limit is still read (and thrown away) before answering 413. A body the server does not read
    /// makes it close the connection, and a client still sending may then see a reset instead of the 413; reading a
    /// moderate excess lets it get the answer. Kestrel's own limit is set to the limit plus this.
    /// </summary>
    public const long DrainAllowance = 4 * 1024 * 1024;

    private const int ChunkBytes = 81920;

    /// <summary>The raw body, or a 413/400 problem.</summary>
    public static async Task<(byte[]? Body, ProblemResult? Problem)> ReadAsync(HttpContext http, long limit, CancellationToken cancellationToken)
    {
        var request = http.Request;
        if (request.ContentLength > limit)
        {
            await DrainAsync(http, request.ContentLength.Value - limit, cancellationToken);
            return (null, Problem.PayloadTooLarge(limit));
        }

        using var buffer = new MemoryStream(request.ContentLength is { } length and > 0 ? (int)length : 4096);

        // Pooled: a fresh, zeroed 80 KiB array for every request, however small its body, showed in profiles of single submits.
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                // Checked as it arrives, so a chunked body without a length cannot grow past the limit.
                if (buffer.Length + read > limit)
                {
                    await DrainAsync(http, DrainAllowance, cancellationToken);
                    return (null, Problem.PayloadTooLarge(limit));
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, Problem.PayloadTooLarge(limit));
        }
        catch (BadHttpRequestException)
        {
            return (null, Problem.BadRequest("the request body could not be read"));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return (buffer.ToArray(), null);
    }

    private static async Task DrainAsync(HttpContext http, long excess, CancellationToken cancellationToken)
    {
        if (excess > DrainAllowance)
        {
            // Too much to read for nothing: answer and close; the client may see the connection reset.
            http.Response.Headers.Connection = "close";
            return;
        }

        var chunk = new byte[81920];
        try
        {
            while (await http.Request.Body.ReadAsync(chunk, cancellationToken) > 0)
            {
            }
        }
        catch (BadHttpRequestException)
        {
            http.Response.Headers.Connection = "close";
        }
    }

    /// <summary>The body read and parsed as <typeparamref name="T"/> with Wharf's JSON options, or a problem.</summary>
    public static async Task<(T? Value, byte[]? Body, ProblemResult? Problem)> ReadJsonAsync<T>(HttpContext http, long limit, CancellationToken cancellationToken)
        where T : class
    {
        var (body, problem) = await ReadAsync(http, limit, cancellationToken);
        if (body is null)
        {
            return (null, null, problem);
        }

        var (value, malformed) = Parse<T>(body, WharfJson.Options);
        return (value, body, malformed);
    }

    /// <summary>Parses JSON; a syntax error, a wrong type or a missing body is a <c>malformed_json</c> problem naming path and line.</summary>
    public static (T? Value, ProblemResult? Problem) Parse<T>(ReadOnlySpan<byte> body, JsonSerializerOptions options)
        where T : class
    {
        try
        {
            var value = JsonSerializer.Deserialize<T>(body, options);
            return value is null
                ? (null, Problem.MalformedJson(new("$", "malformed_json", "the body is JSON null; an object is expected")))
                : (value, null);
        }
        catch (JsonException e)
        {
            return (null, Problem.MalformedJson(JsonErrors.Describe(e)));
        }
    }
}
