using System.Net;
using System.Text.Json;

namespace Wharf.Server.Tests.Infrastructure;

/// <summary>Asserts that a response is a Wharf problem with a given status and code, naming given fields.</summary>
public static class ProblemAssert
{
    public static async Task<JsonElement> IsProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code, params string[] fields)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(text);
        var problem = document.RootElement.Clone();
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal("urn:wharf:problem:" + code, problem.GetProperty("type").GetString());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        var named = problem.TryGetProperty("errors", out var errors)
            ? errors.EnumerateArray().Select(e => e.GetProperty("field").GetString()).ToList()
            : [];
        foreach (var field in fields)
        {
            Assert.True(named.Contains(field), $"expected an error naming '{field}'; got [{string.Join(", ", named)}]: {text}");
        }

        return problem;
    }

    public static string[] ErrorCodes(JsonElement problem) =>
        problem.TryGetProperty("errors", out var errors) ? [.. errors.EnumerateArray().Select(e => e.GetProperty("code").GetString()!)] : [];
}
