using System.Net;
using System.Text;

namespace Acme.WebApp;

/// <summary>
/// The page at <c>/</c>: reads the greeting and the key list from the database and counts the visit there.
/// When the database cannot be reached the page says so, with status 503.
/// </summary>
internal sealed class HomePage(DatabaseClient database)
{
    private static readonly TimeSpan DatabaseTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Renders the page for one request.</summary>
    public async Task<IResult> RenderAsync(CancellationToken requestAborted)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        timeout.CancelAfter(DatabaseTimeout);
        try
        {
            await using var session = await database.ConnectAsync(timeout.Token);
            var greeting = await session.GetAsync("greeting", timeout.Token);
            var visits = await session.IncrementAsync("visits", timeout.Token);
            var keys = await session.KeysAsync(timeout.Token);
            return Page(200, Connected(greeting, visits, keys));
        }
        catch (DatabaseUnavailableException e)
        {
            return Page(503, Unavailable(e.Message));
        }
        catch (OperationCanceledException) when (!requestAborted.IsCancellationRequested)
        {
            return Page(503, Unavailable($"the database at {database.Address} did not answer within {DatabaseTimeout.TotalSeconds:0} seconds"));
        }
    }

    private string Connected(string? greeting, long visits, IReadOnlyList<string> keys)
    {
        var html = new StringBuilder();
        html.Append("<h1>").Append(Encode(greeting ?? "(the database has no greeting)")).Append("</h1>\n");
        html.Append("<p>This is visit number <strong id=\"visits\">").Append(visits).Append("</strong>.</p>\n");
        html.Append("<p>Read from acme-database at <code>").Append(Encode(database.Address)).Append("</code>, which holds ")
            .Append(keys.Count).Append(" keys:</p>\n<ul>\n");
        foreach (var key in keys)
        {
            html.Append("  <li><code>").Append(Encode(key)).Append("</code></li>\n");
        }
        return html.Append("</ul>\n").ToString();
    }

    private static string Unavailable(string reason) =>
        $"<h1>Database unavailable</h1>\n<p id=\"error\">{Encode(reason)}</p>\n";

    private static IResult Page(int status, string body) =>
        Results.Content(
            $"""
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><title>ACME Web App</title></head>
            <body>
            {body}</body>
            </html>

            """,
            "text/html; charset=utf-8",
            Encoding.UTF8,
            status);

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
