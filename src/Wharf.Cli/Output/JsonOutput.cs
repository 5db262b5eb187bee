using System.Text.Json;
using Wharf.Domain.Serialization;

namespace Wharf.Cli.Output;

/// <summary>Writes documents as indented JSON in Wharf's wire shape (states as <c>IN_QUEUE</c>, times as epoch ms).</summary>
internal static class JsonOutput
{
    private static readonly JsonSerializerOptions Indented = new(WharfJson.Options) { WriteIndented = true };

    public static Task WriteAsync<T>(TextWriter writer, T value) =>
        writer.WriteLineAsync(JsonSerializer.Serialize(value, Indented));
}
