using Wharf.Domain.Jobs;

namespace Wharf.Domain.Validation;

/// <summary>Checks a job's Wharf extensions for callbacks and admission as the native API receives them.</summary>
public static class CallbackValidator
{
    /// <summary>True when <paramref name="url"/> is an absolute http or https URL with a host.</summary>
    public static bool IsCallbackUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && uri.Host.Length > 0;

    /// <summary>Adds an error for a callback that is not an absolute http(s) URL, and for an admission demand sent to the native API.</summary>
    public static void Check(JobSpecification spec, string prefix, List<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(errors);
        if (spec.Callback is not null && !IsCallbackUrl(spec.Callback))
        {
            errors.Add(new($"{prefix}.callback", "invalid_callback", "a callback is an absolute http or https URL"));
        }

        if (spec.Admission is not null)
        {
            errors.Add(new($"{prefix}.admission", "not_supported_here", "admission-only jobs are created through the resource-queue door, /v1/{type}/"));
        }
    }
}
