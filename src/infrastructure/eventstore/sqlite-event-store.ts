// The embedded event store: the EventStore port on one SQLite file, for
// machines without EventStoreDB (dev, CI, single-node installs). Appends are
// durable when acknowledged (WAL + synchronous=FULL, see sqlite-schema.ts);
// other processes may read the same file and see new events by polling.
import type Database from 'better-sqlite3';
import {
  DEFAULT_READ_ALL_MAX_COUNT,
  EventStoreUnavailableError,
  WrongExpectedRevisionError,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type EventSubscription,
  type GlobalPosition,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StreamRevision,
  type SubscribeToAllOptions,
} from '../../application/ports/event-store';
import type { EventStoreWithLedgers, LedgerStorage } from '../../application/ports/ledger-storage';
import { AppendSignal } from './append-signal';
import { SqliteLedgerStorage } from './sqlite-ledger-storage';
import { assertValidAppend, assertValidMaxCount, assertValidStreamId } from './append-validation';
import { PollingSubscription } from './polling-subscription';
import { SqliteAppender, type AppendOutcome } from './sqlite-appender';
import { SqliteGroupCommit } from './sqlite-group-commit';
import { SqliteKnownHeads } from './sqlite-known-heads';
import { EVENT_COLUMNS, toRecordedEvent, type EventRow } from './sqlite-event-rows';
import { openEventStoreDatabase } from './sqlite-schema';

export interface SqliteEventStoreOptions {
  /** Source of recordedAt; time is an input. Default: the system clock. */
  readonly clock?: () => Date;
  /** How often a caught-up subscription looks for appends made by other processes (ms). Default 100. */
  readonly pollIntervalMs?: number;
  /** How long to wait for another process's write lock before giving up (ms). Default 5000. */
  readonly busyTimeoutMs?: number;
  /** Events read per catch-up batch by subscriptions. Default 1000. */
  readonly subscriptionBatchSize?: number;
  /** SQLite page cache in KiB. Default 64 MiB, sized for appends; one-pass readers (export, audit) need far less. */
  readonly cacheSizeKib?: number;
}

// SQLite says "no limit" with a negative LIMIT.
const NO_LIMIT = -1;

// Error codes meaning "the file cannot be used right now", not "the request is wrong".
const UNAVAILABLE_CODES = /^SQLITE_(BUSY|LOCKED|CANTOPEN|IOERR|FULL|READONLY)/;

export class SqliteEventStore implements EventStore, EventStoreWithLedgers {
  private readonly signal = new AppendSignal();
  private readonly subscriptions = new Set<PollingSubscription>();
  private closed = false;

  private readonly appender: SqliteAppender;
  private readonly groupCommit: SqliteGroupCommit;
  private readonly selectAllAfter: Database.Statement<[GlobalPosition, number], EventRow>;
  private readonly selectStream: Database.Statement<[string, StreamRevision, number], EventRow>;
  private readonly selectHead: Database.Statement<[], { head: number | null }>;
  private ledgers: SqliteLedgerStorage | null = null;
  private readonly heads: SqliteKnownHeads;
  private headQuestions: { streamId: string; resolve: (revision: StreamRevision | undefined) => void; reject: (error: unknown) => void }[] = [];
  private headLook: NodeJS.Immediate | null = null;

  private constructor(
    private readonly db: Database.Database,
    private readonly clock: () => Date,
    private readonly pollIntervalMs: number,
    private readonly subscriptionBatchSize: number,
  ) {
    this.appender = new SqliteAppender(db);
    this.heads = new SqliteKnownHeads(db);
    this.groupCommit = new SqliteGroupCommit(
      db,
      this.appender,
      ({ group, dataVersion }) => {
        this.heads.learn(
          dataVersion,
          group.flatMap(({ streamId, outcome }) => (outcome ? [[streamId, BigInt(outcome.lastRevision)] as const] : [])),
        );
        this.signal.notify();
      },
      () => this.heads.version(),
    );
    this.selectAllAfter = db.prepare(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`,
    );
    this.selectStream = db.prepare(
      `SELECT ${EVENT_COLUMNS} FROM events
       WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?`,
    );
    this.selectHead = db.prepare('SELECT max(position) AS head FROM events');
  }

  /** Opens (creating if needed) the store in a file, or in memory for throwaway use. */
  static open(path: string, options: SqliteEventStoreOptions = {}): SqliteEventStore {
    let db: Database.Database;
    try {
      db = openEventStoreDatabase(path, { busyTimeoutMs: options.busyTimeoutMs ?? 5000, cacheSizeKib: options.cacheSizeKib });
    } catch (error) {
      throw toStoreError(error, `cannot open the SQLite event store at ${path}`);
    }
    return new SqliteEventStore(
      db,
      options.clock ?? (() => new Date()),
      options.pollIntervalMs ?? 100,
      options.subscriptionBatchSize ?? DEFAULT_READ_ALL_MAX_COUNT,
    );
  }

  async appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    assertValidAppend(streamId, events);
    this.assertOpen('append');
    const recordedAt = this.clock().getTime();
    // Concurrent appends share one transaction and one fsync (see sqlite-group-commit.ts); each is
    // acknowledged only once that commit returned.
    let outcome: AppendOutcome;
    try {
      outcome = await this.groupCommit.append(streamId, events, options.expectedRevision ?? 'any', recordedAt);
    } catch (error) {
      throw toStoreError(error, 'SQLite event store cannot append');
    }
    return {
      nextExpectedRevision: BigInt(outcome.lastRevision),
      position: BigInt(outcome.lastPosition),
    };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    assertValidStreamId(streamId);
    assertValidMaxCount(options.maxCount);
    const { rows, dataVersion } = this.guard('read a stream', () => {
      const version = this.heads.version();
      return { rows: this.selectStream.all(streamId, options.fromRevision ?? 0n, options.maxCount ?? NO_LIMIT), dataVersion: version };
    });
    // A read that reached the stream's end has seen its head.
    const last = rows.at(-1);
    if (last && (options.maxCount === undefined || rows.length < options.maxCount)) this.heads.learn(dataVersion, [[streamId, BigInt(last.revision)]]);
    return rows.map(toRecordedEvent);
  }

  /**
   * Answered after the current turn's I/O, with one look at the data version
   * for every question asked in that turn: each was asked before the look, so
   * a head vouched for includes every commit acknowledged before it was asked.
   */
  knownHeadRevision(streamId: string): Promise<StreamRevision | undefined> {
    return new Promise((resolve, reject) => {
      this.headQuestions.push({ streamId, resolve, reject });
      this.headLook ??= setImmediate(() => this.answerHeadQuestions());
    });
  }

  private answerHeadQuestions(): void {
    this.headLook = null;
    const questions = this.headQuestions.splice(0);
    try {
      this.guard('read the data version', () => this.heads.version());
    } catch (error) {
      for (const question of questions) question.reject(error);
      return;
    }
    for (const question of questions) question.resolve(this.heads.lastSeen(question.streamId));
  }

  async streamRevision(streamId: string): Promise<StreamRevision | 'no_stream'> {
    assertValidStreamId(streamId);
    const revision = this.guard('read a stream revision', () => this.appender.currentRevision(streamId));
    return revision === undefined ? 'no_stream' : BigInt(revision);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    assertValidMaxCount(options.maxCount);
    return this.readBatch(options.fromPosition, options.maxCount ?? DEFAULT_READ_ALL_MAX_COUNT);
  }

  async headPosition(): Promise<GlobalPosition | null> {
    const row = this.guard('read the head position', () => this.selectHead.get());
    return row?.head == null ? null : BigInt(row.head);
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): EventSubscription {
    this.assertOpen('subscribe');
    const subscription = new PollingSubscription(
      { readBatch: (after, maxCount) => this.readBatch(after, maxCount) },
      this.signal,
      {
        fromPosition: options.fromPosition,
        batchSize: this.subscriptionBatchSize,
        pollIntervalMs: this.pollIntervalMs,
        onEnd: (ended) => this.subscriptions.delete(ended),
      },
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  /** Snapshots and accepted keys, in the same file as the log. */
  ledgerStorage(): LedgerStorage {
    this.ledgers ??= new SqliteLedgerStorage(this.db, () => !this.closed);
    return this.ledgers;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Appends already accepted are committed, not dropped, by closing.
    this.groupCommit.commit();
    this.closed = true;
    // Stop subscriptions first: a stopped subscription never touches the db again.
    for (const subscription of [...this.subscriptions]) subscription.stop();
    this.db.close();
  }

  private readBatch(after: GlobalPosition | undefined, maxCount: number): RecordedEvent[] {
    // Positions start at 1, so "after 0" is "from the beginning".
    const rows = this.guard('read all events', () => this.selectAllAfter.all(after ?? 0n, maxCount));
    return rows.map(toRecordedEvent);
  }

  /** Runs a database call, turning "closed" and "file unusable" into EventStoreUnavailableError. */
  private guard<T>(operation: string, call: () => T): T {
    this.assertOpen(operation);
    try {
      return call();
    } catch (error) {
      throw toStoreError(error, `SQLite event store cannot ${operation}`);
    }
  }

  private assertOpen(operation: string): void {
    if (this.closed) throw new EventStoreUnavailableError(`SQLite event store is closed (cannot ${operation})`);
  }
}

function toStoreError(error: unknown, context: string): unknown {
  if (error instanceof WrongExpectedRevisionError || error instanceof EventStoreUnavailableError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && UNAVAILABLE_CODES.test(code)) {
    return new EventStoreUnavailableError(`${context}: ${code}`, { cause: error });
  }
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' && String((error as Error).message).includes('event_id')) {
    return new Error(`${context}: an event with the same event id is already stored`, { cause: error });
  }
  return error;
}
