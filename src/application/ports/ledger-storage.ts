// Where the write side keeps what lets it load an organization without reading
// its whole stream, beside the log and in the same store:
//
// * a snapshot of the organization's ledger at some revision of its stream
//   (its state and recent daily usage, not its keys). Rebuildable from the log
//   at any time; a snapshot of an unknown schema version is ignored.
// * the archive of its accepted idempotency keys, each with the fingerprint it
//   was accepted with. Permanent: a key accepted years ago is still found.
//
// The write side records every key up to a revision before it saves a snapshot
// at that revision, so a ledger loaded from a snapshot plus the stream's tail
// after it knows every key: the tail's in memory, the older ones in the archive.
//
// Implemented by each event-store adapter: tables beside the SQLite log; a
// snapshot stream and one stream per key on EventStoreDB.
import type { GlobalPosition, StreamRevision } from './event-store';

export interface LedgerSnapshotRecord {
  /** The last revision of the stream the snapshot folded. */
  readonly revision: StreamRevision;
  /** Its global position. */
  readonly position: GlobalPosition;
  /** The shape of `body`; a loader that does not know it folds the log instead. */
  readonly schemaVersion: number;
  /** Plain JSON. */
  readonly body: Record<string, unknown>;
}

export interface AcceptedKey {
  readonly idempotencyKey: string;
  /** The content the key was accepted with, packed (see the domain's usage-key-index). */
  readonly fingerprint: string;
}

export interface LedgerStorage {
  loadSnapshot(streamId: string): Promise<LedgerSnapshotRecord | null>;
  /** Keeps the snapshot unless one at a later revision is stored already. */
  saveSnapshot(streamId: string, snapshot: LedgerSnapshotRecord): Promise<void>;
  /** The fingerprints of those of `idempotencyKeys` the stream's organization accepted (and that were recorded). */
  findAcceptedKeys(streamId: string, idempotencyKeys: readonly string[]): Promise<Map<string, string>>;
  /** Records accepted keys; recording a key again with the same fingerprint is harmless. */
  recordAcceptedKeys(streamId: string, keys: readonly AcceptedKey[]): Promise<void>;
}

/** An event store that keeps ledger storage beside its log. */
export interface EventStoreWithLedgers {
  ledgerStorage(): LedgerStorage;
}

export function hasLedgerStorage(store: object): store is EventStoreWithLedgers {
  return typeof (store as Partial<EventStoreWithLedgers>).ledgerStorage === 'function';
}
