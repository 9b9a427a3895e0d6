// Opens the embedded event store's SQLite file: durability settings, the log's
// two tables and the two the write side keeps beside it (ledger snapshots and
// accepted idempotency keys). Kept apart from the store so the settings that make an
// acknowledged append durable are in one place and easy to review.
import Database from 'better-sqlite3';

const SCHEMA_VERSION = 2;

export interface SqliteOpenOptions {
  /** How long a connection waits for another one's write lock before failing (ms). */
  readonly busyTimeoutMs: number;
  /** Page cache of this connection in KiB; readers that scan the log once need little. */
  readonly cacheSizeKib?: number;
}

export const WRITER_CACHE_KIB = 65_536;

export function openEventStoreDatabase(path: string, options: SqliteOpenOptions): Database.Database {
  const db = new Database(path, { timeout: options.busyTimeoutMs });
  try {
    applyPragmas(db, options.cacheSizeKib ?? WRITER_CACHE_KIB);
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function applyPragmas(db: Database.Database, cacheSizeKib: number): void {
  // WAL lets other processes (projectors, audits) read while this one appends.
  db.pragma('journal_mode = WAL');
  // FULL: the WAL is fsynced at every commit, so an acknowledged append survives
  // power loss. NORMAL would be faster and is exactly what we must not do.
  db.pragma('synchronous = FULL');
  // A larger page cache keeps the event-id and stream indexes hot during bulk
  // appends (negative = KiB). Speed without any durability cost.
  db.pragma(`cache_size = -${Math.max(256, Math.floor(cacheSizeKib))}`);
  db.pragma('temp_store = MEMORY');
  // Checkpoint every ~40 MiB of WAL instead of ~4 MiB: a page rewritten by many
  // appends is copied into the database once, not each time. Every commit is
  // still fsynced to the WAL, so durability is unchanged; the size limit trims
  // the WAL file back after a checkpoint.
  db.pragma('wal_autocheckpoint = 10000');
  db.pragma('journal_size_limit = 67108864');
}

function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true });
  if (typeof version !== 'number' || version > SCHEMA_VERSION) {
    throw new Error(
      `event store file has schema version ${String(version)}, this build knows up to ${SCHEMA_VERSION}`,
    );
  }
  if (version === SCHEMA_VERSION) return;
  db.exec(`
    BEGIN IMMEDIATE;
    -- position is the rowid: assigned max+1 on insert, and events are never
    -- deleted, so it is strictly increasing without AUTOINCREMENT's extra write.
    CREATE TABLE IF NOT EXISTS events (
      position    INTEGER PRIMARY KEY,
      stream_id   TEXT    NOT NULL,
      revision    INTEGER NOT NULL,
      event_id    BLOB    NOT NULL UNIQUE, -- 16 bytes, see event-id-bytes.ts
      type        TEXT    NOT NULL,
      data        TEXT    NOT NULL,
      metadata    TEXT    NOT NULL,
      recorded_at INTEGER NOT NULL,
      UNIQUE (stream_id, revision)
    );
    -- One row per stream with its current revision: the expected-revision
    -- check is a single primary-key lookup, whatever the stream's length.
    CREATE TABLE IF NOT EXISTS streams (
      stream_id TEXT    PRIMARY KEY,
      revision  INTEGER NOT NULL
    ) WITHOUT ROWID;
    -- The latest snapshot of each organization's ledger (see sqlite-ledger-storage.ts).
    CREATE TABLE IF NOT EXISTS ledger_snapshots (
      stream_id      TEXT    PRIMARY KEY,
      revision       INTEGER NOT NULL,
      position       INTEGER NOT NULL,
      schema_version INTEGER NOT NULL,
      body           TEXT    NOT NULL
    ) WITHOUT ROWID;
    -- Every idempotency key an organization accepted, looked up by key.
    CREATE TABLE IF NOT EXISTS accepted_keys (
      stream_id       TEXT NOT NULL,
      idempotency_key TEXT NOT NULL,
      fingerprint     TEXT NOT NULL,
      PRIMARY KEY (stream_id, idempotency_key)
    ) WITHOUT ROWID;
    PRAGMA user_version = ${SCHEMA_VERSION};
    COMMIT;
  `);
}
