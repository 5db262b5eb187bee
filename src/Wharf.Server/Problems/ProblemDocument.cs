using Wharf.Domain.Validation;

namespace Wharf.Server.Problems;

/// <summary>An RFC 9457 problem document with Wharf's <c>code</c> and per-field <c>errors</c>.</summary>
internal sealed record ProblemDocument(
    string Type, string Title, int Status, string? Detail, string Code, IReadOnlyList<ValidationError>? Errors);
