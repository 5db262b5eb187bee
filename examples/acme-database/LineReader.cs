using System.Text;

namespace Acme.Database;

/// <summary>
/// Reads protocol lines from a connection, each at most <c>maxLength</c> characters, so one client cannot make
/// the server buffer an endless line. Accepts <c>\n</c> and <c>\r\n</c> endings.
/// </summary>
internal sealed class LineReader(Stream stream, int maxLength)
{
    private readonly StreamReader _reader =
        new(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), detectEncodingFromByteOrderMarks: false, bufferSize: 4096, leaveOpen: true);
    private readonly char[] _buffer = new char[4096];
    private readonly StringBuilder _line = new();
    private int _start;
    private int _end;

    /// <summary>The next line without its ending, or null at the end of the stream.</summary>
    /// <exception cref="InvalidDataException">The line is longer than the limit.</exception>
    public async Task<string?> ReadLineAsync(CancellationToken ct)
    {
        _line.Clear();
        while (true)
        {
            if (_start == _end)
            {
                _start = 0;
                _end = await _reader.ReadAsync(_buffer.AsMemory(), ct);
                if (_end == 0)
                {
                    return _line.Length > 0 ? Finish() : null;
                }
            }

            var newline = Array.IndexOf(_buffer, '\n', _start, _end - _start);
            var stop = newline < 0 ? _end : newline;
            if (_line.Length + (stop - _start) > maxLength + 1)
            {
                throw new InvalidDataException($"line longer than {maxLength} characters");
            }
            _line.Append(_buffer, _start, stop - _start);
            if (newline >= 0)
            {
                _start = newline + 1;
                return Finish();
            }
            _start = _end;
        }
    }

    private string Finish()
    {
        if (_line.Length > 0 && _line[^1] == '\r')
        {
            _line.Length--;
        }
        if (_line.Length > maxLength)
        {
            throw new InvalidDataException($"line longer than {maxLength} characters");
        }
        return _line.ToString();
    }
}
