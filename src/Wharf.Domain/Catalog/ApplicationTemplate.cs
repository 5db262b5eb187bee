namespace Wharf.Domain.Catalog;

/// <summary>
/// A file rendered into each rank's working folder before it starts: a Handlebars template over the job's properties
/// and context (see <c>docs/lifecycle.md</c>).
/// </summary>
/// <param name="Path">Where the file goes, relative to the working folder (<c>config/app.conf</c>, <c>bin/run</c>).</param>
/// <param name="Content">The template text.</param>
/// <param name="Executable">Make the file executable (scripts); files under <c>bin/</c> always are.</param>
public sealed record ApplicationTemplate(string Path, string Content, bool Executable = false);
