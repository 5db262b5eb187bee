using Wharf.Domain.Validation;

namespace Wharf.Server.Problems;

/// <summary>Every problem response Wharf gives is made here, so that codes, statuses and shapes stay one set.</summary>
internal static class Problem
{
    public const string TypePrefix = "urn:wharf:problem:";

    public static ProblemResult Create(int status, string code, string? detail, IReadOnlyList<ValidationError>? errors = null) =>
        new(new ProblemDocument(TypePrefix + code, ProblemCodes.Title(code), status, detail, code, errors is { Count: > 0 } ? errors : null));

    public static ProblemResult Validation(IReadOnlyList<ValidationError> errors) =>
        Create(StatusCodes.Status400BadRequest, ProblemCodes.ValidationFailed,
            errors.Count == 1 ? $"{errors[0].Field}: {errors[0].Message}" : $"{errors.Count} problems; see errors", errors);

    public static ProblemResult Validation(string field, string code, string message) =>
        Validation([new ValidationError(field, code, message)]);

    public static ProblemResult MalformedJson(ValidationError error) =>
        Create(StatusCodes.Status400BadRequest, ProblemCodes.MalformedJson, $"{error.Field}: {error.Message}", [error]);

    public static ProblemResult BadRequest(string detail) =>
        Create(StatusCodes.Status400BadRequest, ProblemCodes.BadRequest, detail);

    public static ProblemResult PayloadTooLarge(long limit) =>
        Create(StatusCodes.Status413PayloadTooLarge, ProblemCodes.PayloadTooLarge, $"the request body is larger than {limit} bytes");

    public static ProblemResult Unauthorized(string detail) =>
        Create(StatusCodes.Status401Unauthorized, ProblemCodes.Unauthorized, detail);

    public static ProblemResult Forbidden(string detail) =>
        Create(StatusCodes.Status403Forbidden, ProblemCodes.Forbidden, detail);

    public static ProblemResult NotFound(string detail, IReadOnlyList<ValidationError>? errors = null) =>
        Create(StatusCodes.Status404NotFound, ProblemCodes.NotFound, detail, errors);

    public static ProblemResult Conflict(string code, string detail, IReadOnlyList<ValidationError>? errors = null) =>
        Create(StatusCodes.Status409Conflict, code, detail, errors);
}
