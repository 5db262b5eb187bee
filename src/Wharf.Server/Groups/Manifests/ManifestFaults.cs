using Wharf.Server.Catalog;

namespace Wharf.Server.Groups.Manifests;

/// <summary>
/// The faults and warnings found while reading one manifest. Readers record every fault and carry on, so that the
/// caller sees them all at once; each fault names its field and, when the manifest is text, the line of that field.
/// </summary>
internal sealed class ManifestFaults(YamlJsonDocument? document)
{
    public List<ManifestProblem> Problems { get; } = [];

    public List<ManifestProblem> Warnings { get; } = [];

    public void Fault(string field, string code, string message) => Problems.Add(Make(field, code, message));

    public void Warn(string field, string code, string message) => Warnings.Add(Make(field, code, message));

    public void ThrowIfAny()
    {
        if (Problems.Count > 0)
        {
            throw new ManifestException(Problems);
        }
    }

    private ManifestProblem Make(string field, string code, string message)
    {
        // Readers write "field: what is wrong"; the field is carried apart, so the message does not repeat it.
        if (field.Length > 0 && message.StartsWith(field + ": ", StringComparison.Ordinal))
        {
            message = message[(field.Length + 2)..];
        }

        var line = LineOf(field);
        return new ManifestProblem(field, code, line is { } l ? $"line {l}: {message}" : message, line);
    }

    /// <summary>
    /// The line of the field or of its nearest enclosing field that is written; a missing top-level field has none
    /// (the document's first line would only mislead).
    /// </summary>
    private int? LineOf(string field)
    {
        var path = field;
        while (document is not null && path.Length > 0)
        {
            if (document.Lines.TryGetValue(path, out var line))
            {
                return line;
            }

            var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
            path = cut <= 0 ? "" : path[..cut];
        }

        return null;
    }
}
