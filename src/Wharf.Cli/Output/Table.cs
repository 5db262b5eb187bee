using System.Text;

namespace Wharf.Cli.Output;

/// <summary>A plain text table: a header row and aligned columns, the last one left ragged.</summary>
internal sealed class Table(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public Table Add(params string?[] cells)
    {
        if (cells.Length != headers.Length)
        {
            throw new ArgumentException($"expected {headers.Length} cells, got {cells.Length}", nameof(cells));
        }

        _rows.Add([.. cells.Select(c => Clean(c))]);
        return this;
    }

    public async Task WriteAsync(TextWriter writer)
    {
        var widths = headers.Select((h, i) => _rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        await writer.WriteLineAsync(Line(headers, widths)).ConfigureAwait(false);
        foreach (var row in _rows)
        {
            await writer.WriteLineAsync(Line(row, widths)).ConfigureAwait(false);
        }
    }

    private static string Line(string[] cells, int[] widths)
    {
        var line = new StringBuilder();
        for (var i = 0; i < cells.Length; i++)
        {
            line.Append(i == cells.Length - 1 ? cells[i] : cells[i].PadRight(widths[i] + 2));
        }

        return line.ToString().TrimEnd();
    }

    // A cell is one line: a reason with a newline in it must not break the columns.
    private static string Clean(string? cell) =>
        string.IsNullOrEmpty(cell) ? "-" : cell.ReplaceLineEndings(" ");
}
