// Group commit for the SQLite store: appends requested during one turn of the
// event loop are written in one transaction, each in its own savepoint, and
// committed with one fsync. Every append is still acknowledged only after the
// commit that made it durable returned, so durability is exactly that of one
// transaction per append; what changes is that a hundred concurrent single
// events from a hundred organizations cost one fsync instead of a hundred.
// An append that fails its revision check rolls back its savepoint only and is
// refused alone; a commit that fails refuses every append of its group, none
// of which is then stored.
import type Database from 'better-sqlite3';
import type { ExpectedRevision, NewEvent } from '../../application/ports/event-store';
import type { AppendOutcome, SqliteAppender } from './sqlite-appender';

interface PendingAppend {
  readonly streamId: string;
  readonly events: readonly NewEvent[];
  readonly expected: ExpectedRevision;
  readonly recordedAt: number;
  readonly resolve: (outcome: AppendOutcome) => void;
  readonly reject: (error: unknown) => void;
  outcome?: AppendOutcome;
  error?: unknown;
}

export interface CommittedAppend {
  readonly streamId: string;
  readonly outcome?: AppendOutcome;
}

export class SqliteGroupCommit {
  private pending: PendingAppend[] = [];
  private versionInside = -1;
  private scheduled: NodeJS.Immediate | null = null;
  private readonly writeGroup: Database.Transaction<(group: PendingAppend[]) => void>;

  constructor(
    private readonly db: Database.Database,
    private readonly appender: SqliteAppender,
    private readonly onCommitted: (committed: { readonly group: readonly CommittedAppend[]; readonly dataVersion: number }) => void,
    /** SQLite's data_version, read inside the group's transaction: other connections' commits move it. */
    private readonly dataVersion: () => number,
  ) {
    this.writeGroup = db.transaction((group: PendingAppend[]) => {
      this.versionInside = this.dataVersion();
      for (const append of group) {
        try {
          // Inside this transaction the appender's own transaction becomes a savepoint.
          append.outcome = this.appender.append(append.streamId, append.events, append.expected, append.recordedAt);
        } catch (error) {
          // Some failures (a full disk, an I/O error) make SQLite roll back the whole transaction;
          // going on would run the rest of the group outside it, so the group fails as one.
          if (!this.db.inTransaction) throw error;
          append.error = error;
        }
      }
    });
  }

  append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision, recordedAt: number): Promise<AppendOutcome> {
    return new Promise((resolve, reject) => {
      this.pending.push({ streamId, events, expected, recordedAt, resolve, reject });
      // setImmediate runs after the I/O callbacks of this turn, so every request read in it joins the group.
      this.scheduled ??= setImmediate(() => this.commit());
    });
  }

  /** Commits what is pending now (before the store closes). */
  commit(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    const group = this.pending;
    this.pending = [];
    if (group.length === 0) return;
    try {
      // IMMEDIATE takes the write lock first, so another process cannot slip in between a check and an insert.
      this.writeGroup.immediate(group);
    } catch (error) {
      for (const append of group) append.reject(error);
      return;
    }
    this.onCommitted({ group, dataVersion: this.versionInside });
    for (const append of group) {
      if (append.error !== undefined) append.reject(append.error);
      else append.resolve(append.outcome as AppendOutcome);
    }
  }
}
