using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Wharf.Domain.Agents;
using Wharf.Domain.Catalog;
using Wharf.Domain.Serialization;
using Wharf.Server.Auth;
using Wharf.Server.Catalog;
using Wharf.Server.Execution;
using Wharf.Server.Problems;
using Wharf.Storage;

namespace Wharf.Server.Api;

/// <summary>
/// The application lifecycle routes (<c>docs/lifecycle.md</c>): agents send the files they rendered for a rank, people
/// read them back, and admins import a BOSH job folder as an application.
/// </summary>
internal static class LifecycleApi
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/agent/files", Upload).WithName("AgentRenderedFiles").WithTags("Agents")
            .RequireAuthorization(policy => policy.AddAuthenticationSchemes(BearerTokenHandler.SchemeName).RequireRole(Roles.Agent))
            .WithSummary("Record the files rendered for a rank before it started").Produces(StatusCodes.Status204NoContent);
        routes.MapGet("/api/jobs/files", Read).WithName("JobRenderedFiles").WithTags("Jobs")
            .RequireAuthorization(Policies.JobsCaller)
            .WithSummary("The files rendered from the application's templates for one rank, as its agent wrote them")
            .Produces<RenderedFiles>();
        routes.MapPost("/api/applications/bosh", ImportBosh).WithName("ImportBoshJob").WithTags("Catalog")
            .RequireAuthorization(Policies.Admin)
            .WithSummary("Register a BOSH job folder (a tar, or {path, version} naming a folder on the server) as an application (admins)")
            .Produces<ApplicationDefinition>().ProducesProblems(400, 401, 403, 413);
    }

    private static string FilePath(WharfServerOptions options, string jobId, int rank) =>
        Path.Combine(Path.GetFullPath(options.DataDirectory), "rendered", jobId, rank.ToString(CultureInfo.InvariantCulture) + ".json");

    private static async Task<IResult> Upload(
        HttpContext http, AgentLeases leases, ExecutionIndex index, IWharfStore store, WharfServerOptions options, CancellationToken ct)
    {
        var (request, _, problem) = await RequestBody.ReadJsonAsync<RenderedFiles>(http, options.MaxRequestBodyBytes, ct);
        if (request is null)
        {
            return problem!;
        }

        if (string.IsNullOrEmpty(request.AgentId) || !Identifiers.IsJobId(request.JobId) || request.Rank < 0 || request.Files is null)
        {
            return Problem.Validation("$", "invalid_value", "the body names the agent, a job id, a rank (0 or more) and the files");
        }

        if (await leases.CheckAsync(Caller.From(http.User).User, request.AgentId, ct) is not null)
        {
            return Problem.Forbidden($"agent '{request.AgentId}' is not an active agent of this token");
        }

        var job = index.FindPlaced(request.JobId) ?? await store.Jobs.GetJobAsync(request.JobId, ct);
        if (job is null || !index.Holds(request.AgentId, job, request.Rank))
        {
            return Problem.Forbidden($"job {request.JobId} rank {request.Rank} is not placed on this agent's nodes");
        }

        var path = FilePath(options, request.JobId, request.Rank);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".tmp";
        await File.WriteAllBytesAsync(temporary, JsonSerializer.SerializeToUtf8Bytes(request with { AgentId = "" }, WharfJson.Options), ct);
        File.Move(temporary, path, overwrite: true);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> Read(
        HttpContext http, [FromQuery] string? id, [FromQuery] int? rank, IWharfStore store, WharfServerOptions options, CancellationToken ct)
    {
        if (rank is < 0)
        {
            return Problem.Validation("rank", "out_of_range", "rank is 0 or more");
        }

        var (job, problem) = await JobExecutionApi.FindAsync(http, id, "id", store, ct);
        if (job is null)
        {
            return problem!;
        }

        var path = FilePath(options, job.Id, rank ?? 0);
        return File.Exists(path)
            ? TypedResults.Bytes(await File.ReadAllBytesAsync(path, ct), "application/json")
            : TypedResults.Ok(new RenderedFiles("", job.Id, rank ?? 0, []));
    }

    private static async Task<IResult> ImportBosh(
        HttpContext http, [FromQuery] string? version, IWharfStore store, CatalogCache catalog, WharfServerOptions options, CancellationToken ct)
    {
        var (body, tooLarge) = await RequestBody.ReadAsync(http, options.MaxRequestBodyBytes, ct);
        if (body is null)
        {
            return tooLarge!;
        }

        Dictionary<string, string> files;
        if (http.Request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
        {
            var (request, parseProblem) = RequestBody.Parse<BoshFolderRequest>(body, WharfJson.Options);
            if (request is null)
            {
                return parseProblem!;
            }

            if (string.IsNullOrEmpty(request.Path) || !Directory.Exists(request.Path))
            {
                return Problem.Validation("path", "not_found", "path names a BOSH job folder on the server");
            }

            files = BoshJobImport.ReadFolder(request.Path);
            version = request.Version ?? version;
        }
        else
        {
            try
            {
                files = BoshJobImport.ReadTar(new MemoryStream(body));
            }
            catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
            {
                return Problem.Validation("$", "malformed_tar", $"the body is not a tar of a BOSH job folder: {e.Message}");
            }
        }

        var (application, errors) = BoshJobImport.Read(files, string.IsNullOrEmpty(version) ? "1.0.0" : version);
        if (application is null)
        {
            return Problem.Validation(errors);
        }

        await store.Catalog.UpsertApplicationAsync(application, WharfJson.ToMilliseconds(options.TimeProvider.GetUtcNow()), ct);
        await catalog.RefreshAsync(ct);
        return TypedResults.Ok(application);
    }

    /// <summary>The JSON form of a BOSH import: a folder on the server and the version to register.</summary>
    internal sealed record BoshFolderRequest(string? Path, string? Version);
}
