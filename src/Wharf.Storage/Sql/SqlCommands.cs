using System.Data.Common;
using System.Globalization;
using System.Text;

namespace Wharf.Storage.Sql;

/// <summary>Parameter binding and small SQL building blocks that both engines accept as written.</summary>
internal static class SqlCommands
{
    /// <summary>Binds <paramref name="value"/> (null as SQL NULL) to <paramref name="name"/>.</summary>
    public static DbCommand With(this DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return command;
    }

    /// <summary>
    /// Binds each value to its own parameter and returns <c>(@prefix0, @prefix1, …)</c>. Plain parameter lists work
    /// the same on both engines; callers keep lists to a few hundred values.
    /// </summary>
    public static string InList<T>(this DbCommand command, string prefix, IEnumerable<T> values)
    {
        var text = new StringBuilder("(");
        var i = 0;
        foreach (var value in values)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"@{prefix}{i}");
            text.Append(i == 0 ? "" : ", ").Append(name);
            command.With(name, value);
            i++;
        }

        if (i == 0)
        {
            throw new ArgumentException("an IN list needs at least one value", nameof(values));
        }

        return text.Append(')').ToString();
    }

    public static async Task<long> ScalarLongAsync(this DbCommand command, CancellationToken cancellationToken)
    {
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is null or DBNull ? 0 : Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }

    public static string? GetNullableString(this DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static long? GetNullableInt64(this DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    public static DateTimeOffset ToTime(long epochMilliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(epochMilliseconds);
}
