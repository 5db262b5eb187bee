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
        ]),
        new SchemaMigration(2, "agents, nodes, and which jobs still have processes on nodes",
        [
            """
            CREATE TABLE agents (
                id TEXT NOT NULL PRIMARY KEY,
                name TEXT NOT NULL,
                principal TEXT NOT NULL,
                state TEXT NOT NULL,
                registered_at INTEGER NOT NULL,
                last_heartbeat_at INTEGER NOT NULL,
                lease_expires_at INTEGER NOT NULL
            ) STRICT
            """,
            """
            CREATE TABLE nodes (
                id TEXT NOT NULL PRIMARY KEY,
                agent_id TEXT REFERENCES agents (id),
                name TEXT NOT NULL,
                state TEXT NOT NULL,
                declared INTEGER NOT NULL,
                registration TEXT NOT NULL,
                updated_at INTEGER NOT NULL
            ) STRICT
            """,
            "CREATE UNIQUE INDEX nodes_by_agent_name ON nodes (agent_id, name) WHERE agent_id IS NOT NULL",
            "CREATE UNIQUE INDEX declared_nodes_by_name ON nodes (name) WHERE agent_id IS NULL",
            "ALTER TABLE jobs ADD COLUMN on_nodes INTEGER NOT NULL DEFAULT 0",
            "CREATE INDEX jobs_by_state_id ON jobs (state, id)",
            "CREATE INDEX jobs_on_nodes ON jobs (id) WHERE on_nodes = 1",
        ]),
        new SchemaMigration(3, "job ids count up from 4101, as UCloud's do",
        [
            // Seed 000's second request names its peer as job 4101, the id its first request got; starting there lets
            // both be sent as written to a fresh server. A database that already has higher ids keeps counting.
            "INSERT INTO sqlite_sequence (name, seq) SELECT 'jobs', 4100 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'jobs')",
            "UPDATE sqlite_sequence SET seq = 4100 WHERE name = 'jobs' AND seq < 4100",
        ]),
        new SchemaMigration(4, "keys that doors give jobs, and the callback outbox",
        [
            """
            CREATE TABLE job_keys (
                scope TEXT NOT NULL,
                key TEXT NOT NULL,
                job_id INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
                PRIMARY KEY (scope, key)
            ) STRICT
            """,
            """
            CREATE TABLE callbacks (
                delivery_id TEXT NOT NULL PRIMARY KEY,
                job_id INTEGER NOT NULL,
                url TEXT NOT NULL,
                event TEXT NOT NULL,
                payload TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at INTEGER NOT NULL,
                delivered_at INTEGER,
                last_status INTEGER,
                last_error TEXT
            ) STRICT
            """,
            "CREATE INDEX callbacks_pending ON callbacks (next_attempt_at, created_at) WHERE delivered_at IS NULL",
            "CREATE INDEX callbacks_by_job ON callbacks (job_id, created_at)",
        ]),
        new SchemaMigration(5, "job groups and the jobs that run their components",
        [
            """
            CREATE TABLE job_groups (
                id TEXT NOT NULL PRIMARY KEY,
                project TEXT NOT NULL,
                created_by TEXT NOT NULL,
                kind TEXT NOT NULL,
                state TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                version INTEGER NOT NULL,
                doc TEXT NOT NULL
            ) STRICT
            """,
            "CREATE INDEX job_groups_by_project ON job_groups (project, created_at)",
            """
            CREATE TABLE group_members (
                group_id TEXT NOT NULL REFERENCES job_groups (id) ON DELETE CASCADE,
                component TEXT NOT NULL,
                job_id INTEGER NOT NULL,
                position INTEGER NOT NULL,
                current INTEGER NOT NULL,
                PRIMARY KEY (group_id, job_id)
            ) STRICT
            """,
            "CREATE INDEX group_members_by_job ON group_members (job_id)",
        ]),
        new SchemaMigration(6, "no index on state alone: jobs_by_state_id serves every lookup by state",
        [
            // Every change of a job's state rewrote both indexes; the one on (state, id) answers all the other did.
            "DROP INDEX jobs_by_state",
        ]));
}
