// Ledger storage beside the SQLite log: one row per organization for its
// latest snapshot, one row per accepted idempotency key, in the same file so a
// backup of the log carries them (and they can always be rebuilt from it).
import type Database from 'better-sqlite3';
import { EventStoreUnavailableError } from '../../application/ports/event-store';
import type { AcceptedKey, LedgerSnapshotRecord, LedgerStorage } from '../../application/ports/ledger-storage';

interface SnapshotRow {
  revision: number;
  position: number;
  schema_version: number;
  body: string;
}

// SQLite allows 32,766 parameters per statement; lookups go in slices well below it.
const KEYS_PER_LOOKUP = 500;

export class SqliteLedgerStorage implements LedgerStorage {
  private readonly selectSnapshot: Database.Statement<[string], SnapshotRow>;
  private readonly upsertSnapshot: Database.Statement<[string, number, number, number, string]>;
  private readonly insertKey: Database.Statement<[string, string, string]>;
  private readonly recordKeys: Database.Transaction<(streamId: string, keys: readonly AcceptedKey[]) => void>;
  private readonly lookups = new Map<number, Database.Statement<string[], { idempotency_key: string; fingerprint: string }>>();

  constructor(
    private readonly db: Database.Database,
    private readonly isOpen: () => boolean,
  ) {
    this.selectSnapshot = db.prepare('SELECT revision, position, schema_version, body FROM ledger_snapshots WHERE stream_id = ?');
    // A snapshot never goes back: one at an earlier revision than the stored one is dropped.
    this.upsertSnapshot = db.prepare(
      `INSERT INTO ledger_snapshots (stream_id, revision, position, schema_version, body) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision, position = excluded.position,
         schema_version = excluded.schema_version, body = excluded.body
       WHERE excluded.revision >= ledger_snapshots.revision`,
    );
    this.insertKey = db.prepare('INSERT OR IGNORE INTO accepted_keys (stream_id, idempotency_key, fingerprint) VALUES (?, ?, ?)');
    this.recordKeys = db.transaction((streamId: string, keys: readonly AcceptedKey[]) => {
      for (const key of keys) this.insertKey.run(streamId, key.idempotencyKey, key.fingerprint);
    });
  }

  async loadSnapshot(streamId: string): Promise<LedgerSnapshotRecord | null> {
    const row = this.guard(() => this.selectSnapshot.get(streamId));
    if (!row) return null;
    return { revision: BigInt(row.revision), position: BigInt(row.position), schemaVersion: row.schema_version, body: JSON.parse(row.body) as Record<string, unknown> };
  }

  async saveSnapshot(streamId: string, snapshot: LedgerSnapshotRecord): Promise<void> {
    this.guard(() =>
      this.upsertSnapshot.run(streamId, Number(snapshot.revision), Number(snapshot.position), snapshot.schemaVersion, JSON.stringify(snapshot.body)),
    );
  }

  async findAcceptedKeys(streamId: string, idempotencyKeys: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (let from = 0; from < idempotencyKeys.length; from += KEYS_PER_LOOKUP) {
      const slice = idempotencyKeys.slice(from, from + KEYS_PER_LOOKUP);
      for (const row of this.guard(() => this.lookupOf(slice.length).all(streamId, ...slice))) found.set(row.idempotency_key, row.fingerprint);
    }
    return found;
  }

  async recordAcceptedKeys(streamId: string, keys: readonly AcceptedKey[]): Promise<void> {
    if (keys.length > 0) this.guard(() => this.recordKeys.immediate(streamId, keys));
  }

  private lookupOf(count: number): Database.Statement<string[], { idempotency_key: string; fingerprint: string }> {
    let statement = this.lookups.get(count);
    if (!statement) {
      statement = this.db.prepare(
        `SELECT idempotency_key, fingerprint FROM accepted_keys WHERE stream_id = ? AND idempotency_key IN (${Array.from({ length: count }, () => '?').join(', ')})`,
      );
      // A few shapes recur (a single event, full slices); others are prepared once more.
      if (this.lookups.size < 64) this.lookups.set(count, statement);
    }
    return statement;
  }

  private guard<T>(call: () => T): T {
    if (!this.isOpen()) throw new EventStoreUnavailableError('SQLite event store is closed (cannot use its ledger storage)');
    try {
      return call();
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      if (typeof code === 'string' && /^SQLITE_(BUSY|LOCKED|IOERR|FULL|READONLY)/.test(code)) {
        throw new EventStoreUnavailableError(`SQLite ledger storage: ${code}`, { cause: error });
      }
      throw error;
    }
  }
}
