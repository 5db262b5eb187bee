using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Wharf.Domain.Jobs;
using Wharf.Domain.Validation;
using Wharf.Server.Auth;
using Wharf.Storage;

namespace Wharf.Server.Api;

/// <summary>
/// The query of <c>GET /api/jobs/browse</c>. Bound as text so that nothing is silently dropped; <see cref="ToQuery"/>
/// parses it strictly and names every parameter it cannot read.
/// </summary>
internal sealed class BrowseRequest
{
    private const int MaxTextLength = 256;
    private const int MaxTokenLength = 2048;

    [FromQuery(Name = "itemsPerPage")] public string? ItemsPerPage { get; set; }
    [FromQuery(Name = "next")] public string? Next { get; set; }
    [FromQuery(Name = "filterState")] public string? FilterState { get; set; }
    [FromQuery(Name = "filterApplication")] public string? FilterApplication { get; set; }
    [FromQuery(Name = "filterApplicationVersion")] public string? FilterApplicationVersion { get; set; }
    [FromQuery(Name = "filterCreatedBy")] public string? FilterCreatedBy { get; set; }
    [FromQuery(Name = "filterQueue")] public string? FilterQueue { get; set; }
    [FromQuery(Name = "filterProject")] public string? FilterProject { get; set; }
    [FromQuery(Name = "filterAfter")] public string? FilterAfter { get; set; }
    [FromQuery(Name = "filterBefore")] public string? FilterBefore { get; set; }
    [FromQuery(Name = "sortBy")] public string? SortBy { get; set; }
    [FromQuery(Name = "sortDirection")] public string? SortDirection { get; set; }

    public (JobQuery? Query, IReadOnlyList<ValidationError> Errors) ToQuery(Caller caller)
    {
        var errors = new List<ValidationError>();
        var itemsPerPage = 50;
        if (ItemsPerPage is not null && (!int.TryParse(ItemsPerPage, NumberStyles.None, CultureInfo.InvariantCulture, out itemsPerPage) || itemsPerPage is < 1 or > 1000))
        {
            errors.Add(new("itemsPerPage", "out_of_range", "itemsPerPage is a whole number from 1 to 1000"));
        }

        if (Next is { Length: 0 or > MaxTokenLength })
        {
            errors.Add(new("next", "invalid_token", "next is the token from a previous page"));
        }

        var states = ParseStates(errors);
        CheckText("filterApplication", FilterApplication, errors);
        CheckText("filterApplicationVersion", FilterApplicationVersion, errors);
        CheckText("filterCreatedBy", FilterCreatedBy, errors);
        CheckText("filterQueue", FilterQueue, errors);
        CheckText("filterProject", FilterProject, errors);
        if (FilterApplicationVersion is not null && FilterApplication is null)
        {
            errors.Add(new("filterApplicationVersion", "requires_application", "filterApplicationVersion needs filterApplication"));
        }

        if (FilterProject is not null && !caller.IsAdmin && FilterProject != caller.Project)
        {
            errors.Add(new("filterProject", "not_allowed", "a user browses only the jobs of their own project"));
        }

        var after = ParseTime("filterAfter", FilterAfter, errors);
        var before = ParseTime("filterBefore", FilterBefore, errors);
        var sortBy = SortBy switch
        {
            null or "createdAt" => JobSortBy.CreatedAt,
            "priority" => JobSortBy.Priority,
            _ => Invalid(errors, "sortBy", "sortBy is createdAt or priority", JobSortBy.CreatedAt),
        };
        var direction = SortDirection switch
        {
            null or "descending" => Storage.SortDirection.Descending,
            "ascending" => Storage.SortDirection.Ascending,
            _ => Invalid(errors, "sortDirection", "sortDirection is ascending or descending", Storage.SortDirection.Descending),
        };
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (new JobQuery
        {
            Project = caller.IsAdmin ? FilterProject : caller.Project,
            States = states,
            ApplicationName = FilterApplication,
            ApplicationVersion = FilterApplicationVersion,
            CreatedBy = FilterCreatedBy,
            Queue = FilterQueue,
            CreatedAfter = after,
            CreatedBefore = before,
            SortBy = sortBy,
            Direction = direction,
            ItemsPerPage = itemsPerPage,
            Next = Next,
        }, errors);
    }

    private HashSet<JobState>? ParseStates(List<ValidationError> errors)
    {
        if (FilterState is null)
        {
            return null;
        }

        var states = new HashSet<JobState>();
        foreach (var part in FilterState.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!JobStateFacts.TryParseWire(part, out var state))
            {
                var shown = part.Length > 40 ? part[..40] + "…" : part;
                errors.Add(new("filterState", "unknown_state",
                    $"'{shown}' is not a job state (IN_QUEUE, RUNNING, CANCELING, SUCCESS, FAILURE, EXPIRED, SUSPENDED)"));
                return null;
            }

            states.Add(state);
        }

        return states;
    }

    private static DateTimeOffset? ParseTime(string name, string? text, List<ValidationError> errors)
    {
        if (text is null)
        {
            return null;
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms)
            && ms >= DateTimeOffset.MinValue.ToUnixTimeMilliseconds() && ms <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            return DateTimeOffset.FromUnixTimeMilliseconds(ms);
        }

        errors.Add(new(name, "invalid_time", $"{name} is a time in epoch milliseconds"));
        return null;
    }

    private static void CheckText(string name, string? value, List<ValidationError> errors)
    {
        if (value is { Length: 0 or > MaxTextLength })
        {
            errors.Add(new(name, "invalid_value", $"{name} is 1–{MaxTextLength} characters"));
        }
    }

    private static T Invalid<T>(List<ValidationError> errors, string name, string message, T fallback)
    {
        errors.Add(new(name, "invalid_value", message));
        return fallback;
    }
}
