using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Npgsql;
using Wharf.Storage.Sql;

namespace Wharf.Storage.Postgres;

/// <summary>
/// Notices over PostgreSQL's <c>NOTIFY</c>/<c>LISTEN</c> on one channel. Publishing uses a pooled connection; each
/// listener holds a connection of its own (unpooled: a pooled one would go back to the pool still listening).
/// </summary>
internal sealed class PostgresNotices(NpgsqlDataSource dataSource, string unpooledConnectionString) : IStoreNotices
{
    private const string Channel = "wharf_notices";

    public bool IsShared => true;

    public async Task PublishAsync(string message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(message.Length, IStoreNotices.MaxMessageLength, nameof(message));
        await using var command = dataSource.CreateCommand("SELECT pg_notify(@channel, @message)");
        command.With("@channel", Channel).With("@message", message);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<string> ListenAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var received = System.Threading.Channels.Channel.CreateUnbounded<string>();
        await using var connection = new NpgsqlConnection(unpooledConnectionString);
        connection.Notification += (_, notice) => received.Writer.TryWrite(notice.Payload);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (var listen = connection.CreateCommand())
        {
            listen.CommandText = $"LISTEN {Channel}";
            await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        yield return ""; // listening from here on

        // Notifications arrive while the connection waits; the waiting runs beside the reader below.
        var waiting = WaitAsync(connection, received.Writer, cancellationToken);
        await foreach (var message in received.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return message;
        }

        await waiting.ConfigureAwait(false); // rethrows why the connection stopped
    }

    private static async Task WaitAsync(NpgsqlConnection connection, ChannelWriter<string> writer, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await connection.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            writer.TryComplete(e is OperationCanceledException ? null : e);
            if (e is not OperationCanceledException)
            {
                throw;
            }
        }
    }
}
