using System.Globalization;

namespace Wharf.Storage.Sql;

/// <summary>Job ids: positive integers in the database, their plain decimal spelling on the wire.</summary>
internal static class JobIds
{
    public static string Format(long id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Reads an id spelled exactly as <see cref="Format"/> spells it; "007", "+7" and " 7" name no job, so that
    /// one job never answers to several ids.
    /// </summary>
    public static bool TryParse(string? text, out long id) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id > 0 && text == Format(id);
}
