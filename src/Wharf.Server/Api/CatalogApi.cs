using System.Text;
using Microsoft.AspNetCore.Mvc;
using Wharf.Domain.Catalog;
using Wharf.Domain.Serialization;
using Wharf.Server.Auth;
using Wharf.Server.Catalog;
using Wharf.Server.Problems;
using Wharf.Storage;

namespace Wharf.Server.Api;

/// <summary>
/// The catalog: everyone lists applications and products; admins register them, as JSON or as the YAML of a
/// catalog file (Content-Type <c>application/yaml</c>, <c>text/yaml</c> or <c>application/x-yaml</c>).
/// </summary>
internal static class CatalogApi
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var applications = routes.MapGroup("/api/applications").WithTags("Catalog");
        applications.MapGet("", ListApplications).WithName("ListApplications")
            .Produces<ItemsResponse<ApplicationDefinition>>().ProducesProblems(401);
        applications.MapGet("/retrieve", RetrieveApplication).WithName("RetrieveApplication")
            .Produces<ApplicationDefinition>().ProducesProblems(400, 401, 404);
        applications.MapPost("", RegisterApplication).WithName("RegisterApplication")
            .WithSummary("Add an application, or replace the one with the same name and version (admins)")
            .RequireAuthorization(Policies.Admin)
            .ReadsBody<ApplicationDefinition>("application/json", "application/yaml")
            .Produces<ApplicationDefinition>().ProducesProblems(400, 401, 403, 413);

        var products = routes.MapGroup("/api/products").WithTags("Catalog");
        products.MapGet("", ListProducts).WithName("ListProducts")
            .Produces<ItemsResponse<Product>>().ProducesProblems(401);
        products.MapPost("", RegisterProduct).WithName("RegisterProduct")
            .WithSummary("Add a product, or replace the one with the same provider, category and id (admins)")
            .RequireAuthorization(Policies.Admin)
            .ReadsBody<Product>("application/json", "application/yaml")
            .Produces<Product>().ProducesProblems(400, 401, 403, 413);
    }

    private static async Task<IResult> ListApplications(CatalogCache catalog, CancellationToken ct) =>
        TypedResults.Ok(new ItemsResponse<ApplicationDefinition>((await catalog.GetAsync(ct)).Applications));

    private static async Task<IResult> RetrieveApplication([FromQuery] string? name, [FromQuery] string? version, CatalogCache catalog, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(version))
        {
            var missing = new[] { ("name", name), ("version", version) }.Where(p => string.IsNullOrEmpty(p.Item2))
                .Select(p => new Domain.Validation.ValidationError(p.Item1, "required", $"{p.Item1} is required")).ToList();
            return Problem.Validation(missing);
        }

        return (await catalog.GetAsync(ct)).FindApplication(name, version) is { } application
            ? TypedResults.Ok(application)
            : Problem.NotFound($"there is no application {Shorten(name)} {Shorten(version)}");
    }

    private static async Task<IResult> ListProducts(CatalogCache catalog, CancellationToken ct) =>
        TypedResults.Ok(new ItemsResponse<Product>((await catalog.GetAsync(ct)).Products));

    private static async Task<IResult> RegisterApplication(
        HttpContext http, IWharfStore store, CatalogCache catalog, WharfServerOptions options, CancellationToken ct)
    {
        var (reading, problem) = await ReadAsync(http, CatalogKind.Application, options.MaxRequestBodyBytes, ct);
        if (reading is null)
        {
            return problem!;
        }

        var application = reading.Entries[0].Application!;
        await store.Catalog.UpsertApplicationAsync(application, WharfJson.ToMilliseconds(options.TimeProvider.GetUtcNow()), ct);
        await catalog.RefreshAsync(ct);
        return TypedResults.Ok(application);
    }

    private static async Task<IResult> RegisterProduct(
        HttpContext http, IWharfStore store, CatalogCache catalog, WharfServerOptions options, CancellationToken ct)
    {
        var (reading, problem) = await ReadAsync(http, CatalogKind.Product, options.MaxRequestBodyBytes, ct);
        if (reading is null)
        {
            return problem!;
        }

        var product = reading.Entries[0].Product!;
        await store.Catalog.UpsertProductAsync(product, WharfJson.ToMilliseconds(options.TimeProvider.GetUtcNow()), ct);
        await catalog.RefreshAsync(ct);
        return TypedResults.Ok(product);
    }

    /// <summary>Reads exactly one definition of <paramref name="kind"/> from the body, YAML or JSON by Content-Type.</summary>
    private static async Task<(CatalogReading? Reading, ProblemResult? Problem)> ReadAsync(HttpContext http, CatalogKind kind, long limit, CancellationToken ct)
    {
        var (body, tooLarge) = await RequestBody.ReadAsync(http, limit, ct);
        if (body is null)
        {
            return (null, tooLarge);
        }

        CatalogReading reading;
        if (IsYaml(http.Request.ContentType))
        {
            string text;
            try
            {
                text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(body);
            }
            catch (DecoderFallbackException)
            {
                return (null, Problem.Validation("$", "malformed_yaml", "the body is not UTF-8 text"));
            }

            reading = CatalogDocuments.ReadYaml(text, kind);
            if (reading.IsValid && reading.Entries.Count != 1)
            {
                return (null, Problem.Validation("$", "one_document", $"send one {kind.ToString().ToLowerInvariant()} per request; this body holds {reading.Entries.Count}"));
            }
        }
        else
        {
            reading = CatalogDocuments.ReadJson(body, kind);
        }

        if (reading.IsValid)
        {
            return (reading, null);
        }

        return (null, reading.Malformed && reading.Errors.Count == 1 && reading.Errors[0].Code == "malformed_json"
            ? Problem.MalformedJson(reading.Errors[0])
            : Problem.Validation(reading.Errors));
    }

    private static bool IsYaml(string? contentType) =>
        contentType is not null
        && (contentType.Contains("application/yaml", StringComparison.OrdinalIgnoreCase)
            || contentType.Contains("text/yaml", StringComparison.OrdinalIgnoreCase)
            || contentType.Contains("application/x-yaml", StringComparison.OrdinalIgnoreCase));

    private static string Shorten(string text) => text.Length > 40 ? text[..40] + "…" : text;
}
