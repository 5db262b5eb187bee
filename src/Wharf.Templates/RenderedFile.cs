namespace Wharf.Templates;

/// <summary>One file as a template rendered it.</summary>
/// <param name="Path">Where it goes, relative to the working folder.</param>
/// <param name="Content">The rendered text.</param>
/// <param name="Executable">Whether it is made executable.</param>
public sealed record RenderedFile(string Path, string Content, bool Executable);
