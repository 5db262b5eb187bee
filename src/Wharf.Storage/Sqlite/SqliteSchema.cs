using Wharf.Storage.Sql;

namespace Wharf.Storage.Sqlite;

/// <summary>
/// The SQLite schema, one step per version. Never edit a step that has shipped: add the next one. Tables are
/// STRICT so that a value of the wrong type is refused rather than silently kept; times are epoch milliseconds.
/// </summary>
internal static class SqliteSchema
{
    public static IReadOnlyList<SchemaMigration> Migrations { get; } = SchemaMigration.Ordered(
        new SchemaMigration(1, "jobs, job history, idempotency keys, catalog and tokens",
        [
            """
            CREATE TABLE jobs (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                project TEXT NOT NULL,
                created_by TEXT NOT NULL,
                state TEXT NOT NULL,
                app_name TEXT,
                app_version TEXT,
                queue TEXT NOT NULL,
                priority INTEGER NOT NULL,
                fingerprint TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                version INTEGER NOT NULL,
                spec TEXT NOT NULL,
                status TEXT NOT NULL
            ) STRICT
            """,
            "CREATE INDEX jobs_by_project_created ON jobs (project, created_at, id)",
            "CREATE INDEX jobs_by_created ON jobs (created_at, id)",
            "CREATE INDEX jobs_by_state ON jobs (state)",
            "CREATE INDEX jobs_by_queue_priority ON jobs (queue, priority, id)",
            "CREATE INDEX jobs_by_owner_fingerprint ON jobs (project, created_by, fingerprint)",
            """
            CREATE TABLE job_updates (
                job_id INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
                seq INTEGER NOT NULL,
                timestamp INTEGER NOT NULL,
                state TEXT,
                status TEXT,
                PRIMARY KEY (job_id, seq)
            ) STRICT, WITHOUT ROWID
            """,
            """
            CREATE TABLE idempotency_keys (
                project TEXT NOT NULL,
                created_by TEXT NOT NULL,
                idempotency_key TEXT NOT NULL,
                request_hash TEXT NOT NULL,
                ids TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                PRIMARY KEY (project, created_by, idempotency_key)
            ) STRICT
            """,
            """
            CREATE TABLE applications (
                name TEXT NOT NULL,
                version TEXT NOT NULL,
                document TEXT NOT NULL,
                updated_at INTEGER NOT NULL,
                PRIMARY KEY (name, version)
            ) STRICT
            """,
            """
            CREATE TABLE products (
                provider TEXT NOT NULL,
                category TEXT NOT NULL,
                id TEXT NOT NULL,
                document TEXT NOT NULL,
                updated_at INTEGER NOT NULL,
                PRIMARY KEY (provider, category, id)
            ) STRICT
            """,
            """
            CREATE TABLE tokens (
                id TEXT NOT NULL PRIMARY KEY,
                hash TEXT NOT NULL UNIQUE,
                role TEXT NOT NULL,
                user_name TEXT NOT NULL,
                project TEXT,
                name TEXT,
                created_at INTEGER NOT NULL,
                expires_at INTEGER,
                revoked_at INTEGER
            ) STRICT
            """,
        ]));
}
