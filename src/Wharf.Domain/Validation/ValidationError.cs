namespace Wharf.Domain.Validation;

/// <summary>One problem with a request: the field at fault (a JSON path such as <c>items[0].parameters.dataStore</c>), a stable code, and a message.</summary>
/// <param name="Field">The path of the field at fault.</param>
/// <param name="Code">A stable, machine-readable code (<c>required</c>, <c>unknown_application</c>, …).</param>
/// <param name="Message">A sentence for people.</param>
public sealed record ValidationError(string Field, string Code, string Message);
