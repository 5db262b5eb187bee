using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Wharf.Cli.Output;

/// <summary>
/// Writes log entries as single lines (<c>time level category: message</c>) to a command's error writer, so that what
/// an agent run by <c>wharf up</c> or <c>wharf agent</c> does shows beside the command's own notes and stdout stays
/// for results.
/// </summary>
internal sealed class TextWriterLoggerProvider(TextWriter writer, LogLevel minimum, TimeProvider time) : ILoggerProvider
{
    private readonly Lock _gate = new();

    /// <summary>A logger factory writing entries of <paramref name="minimum"/> and above to <paramref name="writer"/>.</summary>
    public static ILoggerFactory CreateFactory(TextWriter writer, LogLevel minimum) =>
        new LoggerFactory([new TextWriterLoggerProvider(writer, minimum, TimeProvider.System)]);

    private LogLevel Minimum => minimum;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Write(LogLevel level, string category, string message, Exception? exception)
    {
        var stamp = time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        var line = $"{stamp} {Abbreviate(level)}: {category}: {message.ReplaceLineEndings(" ")}";
        if (exception is not null)
        {
            line += $" ({exception.GetType().Name}: {exception.Message.ReplaceLineEndings(" ")})";
        }

        // Loops of one agent log from several threads; a line must never be interleaved with another.
        lock (_gate)
        {
            writer.WriteLine(line);
            writer.Flush();
        }
    }

    private static string Abbreviate(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        _ => "crit",
    };

    private sealed class Logger(TextWriterLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= provider.Minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                provider.Write(logLevel, category, formatter(state, exception), exception);
            }
        }
    }
}
