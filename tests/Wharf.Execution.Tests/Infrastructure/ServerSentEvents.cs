using System.Text;
using System.Text.Json;

namespace Wharf.Execution.Tests.Infrastructure;

/// <summary>Reads a Server-Sent Events stream one event at a time (comments skipped), failing a test that waits too long.</summary>
public sealed class ServerSentEvents(StreamReader reader)
{
    public async Task<(string Name, string Data)> NextAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        string? name = null;
        var data = new StringBuilder();
        while (true)
        {
            var line = await reader.ReadLineAsync(timeout.Token) ?? throw new EndOfStreamException("the event stream ended");
            if (line.Length == 0)
            {
                if (name is not null || data.Length > 0)
                {
                    return (name ?? "message", data.ToString());
                }

                continue;
            }

            if (line.StartsWith(':'))
            {
                continue;
            }

            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Append(line["data: ".Length..]);
            }
        }
    }

    public async Task<(string Text, long Line)> NextLogAsync()
    {
        var (name, data) = await NextAsync();
        Assert.Equal("log", name);
        var line = JsonDocument.Parse(data).RootElement;
        return (line.GetProperty("text").GetString()!, line.GetProperty("line").GetInt64());
    }
}
