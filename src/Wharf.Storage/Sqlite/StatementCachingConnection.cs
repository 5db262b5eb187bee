using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Wharf.Storage.Sqlite;

/// <summary>
/// An open connection that keeps the statements it prepared, keyed by their SQL, from one session to the next.
/// Microsoft.Data.Sqlite finalizes a command's statements when the command is disposed or its connection closed, even
/// when its pool keeps the native connection: every request parsed and planned each of its statements again (a fifth
/// of a job submission's allocations, and SQLite's parser a share of its CPU). <see cref="SqliteDatabase"/> keeps
/// these connections open while idle instead.
/// </summary>
internal sealed class StatementCachingConnection(string connectionString) : SqliteConnection(connectionString)
{
    /// <summary>Statements kept per connection; SQL built per request (IN lists of any length) would otherwise fill it.</summary>
    internal const int MaxStatements = 64;

    /// <summary>Longer SQL is built per request (multi-row statements): parsing it again costs little beside running it.</summary>
    private const int MaxCachedLength = 2048;

    private readonly Dictionary<string, CachedCommand> _statements = new(StringComparer.Ordinal);

    /// <summary>
    /// True when nothing of a session is left on this connection: no transaction open (in SQLite's own view too, should
    /// a rollback have failed) and no statement of it still running.
    /// </summary>
    public bool Settled
    {
        get
        {
            if (State != ConnectionState.Open || Transaction is not null || Handle is not { } handle || raw.sqlite3_get_autocommit(handle) == 0)
            {
                return false;
            }

            // A statement stepped but not reset would hold its read snapshot open, and with it the write-ahead log.
            for (var statement = raw.sqlite3_next_stmt(handle, null); statement is not null; statement = raw.sqlite3_next_stmt(handle, statement))
            {
                if (raw.sqlite3_stmt_busy(statement) != 0)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>
    /// A command for <paramref name="sql"/>: the one kept for it, still prepared, unless that one is in use (a nested
    /// query) or the SQL is not worth keeping; then a new one. Disposing a kept command gives it back.
    /// </summary>
    public DbCommand Command(string sql)
    {
        if (sql.Length is 0 or > MaxCachedLength)
        {
            return new SqliteCommand(sql, this);
        }

        if (_statements.TryGetValue(sql, out var kept))
        {
            if (kept.InUse)
            {
                return new SqliteCommand(sql, this);
            }

            kept.InUse = true;
            kept.CommandText = sql; // a user may have changed the text before giving it back; the same text keeps the statements
            return kept;
        }

        if (_statements.Count >= MaxStatements)
        {
            return new SqliteCommand(sql, this);
        }

        kept = new CachedCommand(sql, this) { InUse = true };
        _statements.Add(sql, kept);
        return kept;
    }

    /// <summary>Closing disposes every command of the connection (SQLite would otherwise keep it open for their statements): the kept ones for good.</summary>
    public override void Close()
    {
        foreach (var kept in _statements.Values)
        {
            kept.Kept = false;
        }

        _statements.Clear();
        base.Close();
    }

    /// <summary>
    /// A command that goes back to its connection's statements when disposed, prepared, without its parameters; it is
    /// disposed for good only when its connection closes.
    /// </summary>
    private sealed class CachedCommand(string sql, SqliteConnection connection) : SqliteCommand(sql, connection)
    {
        /// <summary>Handed out and not given back yet.</summary>
        public bool InUse { get; set; }

        /// <summary>Among its connection's statements (until the connection closes).</summary>
        public bool Kept { get; set; } = true;

        protected override void Dispose(bool disposing)
        {
            if (disposing && Kept)
            {
                if (InUse)
                {
                    Parameters.Clear();
                    Transaction = null;
                    InUse = false;
                }

                return;
            }

            base.Dispose(disposing);
        }
    }
}
