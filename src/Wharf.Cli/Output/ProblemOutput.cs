using Wharf.Client;

namespace Wharf.Cli.Output;

/// <summary>Writes a server's refusal as <c>error: detail</c> followed by one <c>field: message</c> line per field error.</summary>
internal static class ProblemOutput
{
    public static async Task WriteAsync(TextWriter writer, WharfApiException problem)
    {
        var detail = problem.Detail ?? problem.Title ?? problem.Code;
        await writer.WriteLineAsync($"error: {detail} ({problem.Code})").ConfigureAwait(false);
        foreach (var error in problem.Errors)
        {
            await writer.WriteLineAsync($"  {error.Field}: {error.Message}").ConfigureAwait(false);
        }
    }
}
