// The last revision of the streams this store wrote or read to the end, kept
// so that a caller already at a stream's head (a quota check on a ledger in
// memory) learns it without reading the stream. Other processes may append to
// the same file: SQLite's `PRAGMA data_version` changes whenever another
// connection commits, and then every known head is forgotten. A head is only
// remembered when no other connection committed between the read (or the
// commit, checked inside its transaction) and the check that follows it.
import type Database from 'better-sqlite3';
import type { StreamRevision } from '../../application/ports/event-store';

// A few organizations' worth per entry; past this the map starts over rather than grow.
const MAX_KNOWN_HEADS = 100_000;

export class SqliteKnownHeads {
  private readonly heads = new Map<string, StreamRevision>();
  private readonly dataVersion: Database.Statement<[], number>;
  private seen: number;

  constructor(db: Database.Database) {
    this.dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
    this.seen = this.version();
  }

  /** Another connection's commits since the last look: forget every head. */
  version(): number {
    const version = this.dataVersion.get() as number;
    if (version !== this.seen) {
      this.heads.clear();
      this.seen = version;
    }
    return version;
  }

  /** The stream's head, when nothing was committed elsewhere since it was learnt. */
  get(streamId: string): StreamRevision | undefined {
    this.version();
    return this.heads.get(streamId);
  }

  /** The head as of the last look at the version (the caller just looked, for several streams at once). */
  lastSeen(streamId: string): StreamRevision | undefined {
    return this.heads.get(streamId);
  }

  /** Remembers heads learnt at `learntAt` (a version read before the read, or inside the commit's transaction). */
  learn(learntAt: number, heads: Iterable<readonly [string, StreamRevision]>): void {
    if (this.version() !== learntAt) return;
    for (const [streamId, revision] of heads) {
      if (this.heads.size >= MAX_KNOWN_HEADS) this.heads.clear();
      this.heads.set(streamId, revision);
    }
  }
}
