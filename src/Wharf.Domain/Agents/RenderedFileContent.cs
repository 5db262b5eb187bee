namespace Wharf.Domain.Agents;

/// <summary>One rendered file.</summary>
/// <param name="Path">Where it is, relative to the rank's working folder.</param>
/// <param name="Content">Its text.</param>
/// <param name="Executable">Whether it was made executable.</param>
public sealed record RenderedFileContent(string Path, string Content, bool Executable);
