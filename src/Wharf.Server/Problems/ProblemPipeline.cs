using Microsoft.AspNetCore.Diagnostics;

namespace Wharf.Server.Problems;

/// <summary>
/// Turns what the endpoints do not answer themselves into problems: unknown routes, wrong methods, unreadable
/// requests Kestrel refuses, and unexpected exceptions (500, with nothing of the exception sent to the client).
/// </summary>
internal static class ProblemPipeline
{
    public static async Task WriteStatusCodeAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        var status = http.Response.StatusCode;
        var problem = status switch
        {
            StatusCodes.Status404NotFound => Problem.NotFound($"there is no resource at {http.Request.Path}"),
            StatusCodes.Status405MethodNotAllowed => Problem.Create(status, ProblemCodes.MethodNotAllowed,
                $"{http.Request.Method} is not allowed on {http.Request.Path}"),
            StatusCodes.Status413PayloadTooLarge => Problem.Create(status, ProblemCodes.PayloadTooLarge, "the request body is too large"),
            StatusCodes.Status401Unauthorized => Problem.Unauthorized("this request needs 'Authorization: Bearer <token>'"),
            StatusCodes.Status403Forbidden => Problem.Forbidden("your token may not do this"),
            >= 500 => Problem.Create(status, ProblemCodes.InternalError, "the server could not answer this request"),
            _ => Problem.Create(status, ProblemCodes.BadRequest, "the request cannot be served"),
        };
        await problem.ExecuteAsync(http);
    }

    public static async Task HandleExceptionAsync(HttpContext http)
    {
        var exception = http.Features.Get<IExceptionHandlerFeature>()?.Error;
        if (exception is OperationCanceledException && http.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is no one to answer.
            return;
        }

        ProblemResult problem = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                Problem.Create(StatusCodes.Status413PayloadTooLarge, ProblemCodes.PayloadTooLarge, "the request body is too large"),
            BadHttpRequestException bad =>
                Problem.Create(bad.StatusCode is >= 400 and < 500 ? bad.StatusCode : 400, ProblemCodes.BadRequest, "the request cannot be read"),
            _ => Problem.Create(StatusCodes.Status500InternalServerError, ProblemCodes.InternalError,
                $"the server failed to answer this request; it was logged under trace id {http.TraceIdentifier}"),
        };
        await problem.ExecuteAsync(http);
    }

    /// <summary>True for exceptions that are the client's fault and need no error log.</summary>
    public static bool IsClientFault(Exception? exception) =>
        exception is BadHttpRequestException || exception is OperationCanceledException;
}
