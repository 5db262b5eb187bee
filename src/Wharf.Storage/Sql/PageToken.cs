using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Wharf.Storage.Sql;

/// <summary>
/// The opaque, URL-safe "next" token of a browse: the sort value and id of the last job of the page (keyset
/// pagination), with the order it belongs to. It is not secret: a forged token only moves where the page starts,
/// the query's filters still apply.
/// </summary>
internal static class PageToken
{
    private const string Format = "p1";

    public static string Encode(JobSortBy sortBy, SortDirection direction, long sortValue, long id) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $"{Format}.{Code(sortBy)}.{Code(direction)}.{sortValue}.{id}")));

    /// <summary>The position a token encodes; throws <see cref="InvalidPageTokenException"/> for anything else.</summary>
    public static (long SortValue, long Id) Decode(string token, JobSortBy sortBy, SortDirection direction)
    {
        string text;
        try
        {
            text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
        }
        catch (FormatException)
        {
            throw new InvalidPageTokenException("the next token is not one this server issued");
        }

        var parts = text.Split('.');
        if (parts.Length != 5 || parts[0] != Format
            || !long.TryParse(parts[3], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var sortValue)
            || !long.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            throw new InvalidPageTokenException("the next token is not one this server issued");
        }

        if (parts[1] != Code(sortBy) || parts[2] != Code(direction))
        {
            throw new InvalidPageTokenException("the next token belongs to another sort order; start again from the first page");
        }

        return (sortValue, id);
    }

    private static string Code(JobSortBy sortBy) => sortBy switch
    {
        JobSortBy.CreatedAt => "c",
        JobSortBy.Priority => "p",
        _ => throw new ArgumentOutOfRangeException(nameof(sortBy), sortBy, null),
    };

    private static string Code(SortDirection direction) => direction switch
    {
        SortDirection.Ascending => "a",
        SortDirection.Descending => "d",
        _ => throw new ArgumentOutOfRangeException(nameof(direction), direction, null),
    };
}
