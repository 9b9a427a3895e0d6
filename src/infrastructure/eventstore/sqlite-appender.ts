// The SQLite store's write path: one append = one transaction that checks the
// expected revision, inserts the events and moves the stream's revision.
// It is the hot path of usage ingestion, so it reuses prepared statements,
// inserts many rows per statement, stringifies each payload once and reads
// only the one-row `streams` table, never the events.
import type Database from 'better-sqlite3';
import {
  WrongExpectedRevisionError,
  type ExpectedRevision,
  type NewEvent,
  type StreamRevision,
} from '../../application/ports/event-store';
import { uuidToBytes } from './event-id-bytes';
import { TimeOrderedEventIdGenerator } from './time-ordered-event-id';

// Multi-row INSERTs of these sizes, largest first: any append is split into at
// most a few statements (500 events = 256 + 3×64 + 3×16 + 4×1 → 11 executions
// instead of 500), and 256 × 7 parameters stay far below SQLite's limit.
const ROWS_PER_INSERT = [256, 64, 16, 1] as const;
const COLUMNS_PER_ROW = 7;

interface MultiRowInsert {
  readonly rows: number;
  readonly statement: Database.Statement<[unknown[]]>;
  // better-sqlite3 binds an array argument as the positional parameters; the
  // array is reused across appends to spare allocations on the hot path.
  readonly parameters: unknown[];
}

export interface AppendOutcome {
  readonly lastRevision: number;
  readonly lastPosition: number | bigint;
}

export class SqliteAppender {
  private readonly selectStreamRevision: Database.Statement<[string], { revision: number }>;
  private readonly inserts: readonly MultiRowInsert[];
  private readonly upsertStream: Database.Statement<[string, number]>;
  private readonly eventIds = new TimeOrderedEventIdGenerator();
  private readonly transaction: Database.Transaction<
    (streamId: string, events: readonly NewEvent[], expected: ExpectedRevision, recordedAt: number) => AppendOutcome
  >;

  constructor(db: Database.Database) {
    const insert = 'INSERT INTO events (stream_id, revision, event_id, type, data, metadata, recorded_at) VALUES ';
    const placeholders = '(?, ?, ?, ?, ?, ?, ?)';
    this.selectStreamRevision = db.prepare('SELECT revision FROM streams WHERE stream_id = ?');
    this.inserts = ROWS_PER_INSERT.map((rows) => ({
      rows,
      statement: db.prepare<[unknown[]]>(insert + new Array<string>(rows).fill(placeholders).join(', ')),
      parameters: new Array<unknown>(rows * COLUMNS_PER_ROW),
    }));
    this.upsertStream = db.prepare(
      `INSERT INTO streams (stream_id, revision) VALUES (?, ?)
       ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision`,
    );
    this.transaction = db.transaction(
      (streamId: string, events: readonly NewEvent[], expected: ExpectedRevision, recordedAt: number) =>
        this.appendInTransaction(streamId, events, expected, recordedAt),
    );
  }

  /** Currently stored revision of a stream, outside any append. */
  currentRevision(streamId: string): number | undefined {
    return this.selectStreamRevision.get(streamId)?.revision;
  }

  append(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
    recordedAt: number,
  ): AppendOutcome {
    // IMMEDIATE takes the write lock before reading the stream's revision, so
    // another process cannot append between our check and our insert.
    return this.transaction.immediate(streamId, events, expected, recordedAt);
  }

  private appendInTransaction(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
    recordedAt: number,
  ): AppendOutcome {
    const current = this.currentRevision(streamId);
    assertExpectedRevision(streamId, expected, current);
    const firstRevision = (current ?? -1) + 1;
    let lastPosition: number | bigint = 0;
    let index = 0;
    for (const insert of this.inserts) {
      for (; index + insert.rows <= events.length; index += insert.rows) {
        for (let row = 0; row < insert.rows; row++) {
          const offset = row * COLUMNS_PER_ROW;
          this.fillRow(insert.parameters, offset, streamId, firstRevision + index + row, events[index + row], recordedAt);
        }
        lastPosition = insert.statement.run(insert.parameters).lastInsertRowid;
      }
    }
    const lastRevision = firstRevision + events.length - 1;
    this.upsertStream.run(streamId, lastRevision);
    return { lastRevision, lastPosition };
  }

  private fillRow(
    target: unknown[],
    offset: number,
    streamId: string,
    revision: number,
    event: NewEvent,
    recordedAt: number,
  ): void {
    target[offset] = streamId;
    target[offset + 1] = revision;
    target[offset + 2] = event.eventId === undefined ? this.eventIds.next() : uuidToBytes(event.eventId);
    target[offset + 3] = event.type;
    target[offset + 4] = JSON.stringify(event.data);
    target[offset + 5] = event.metadata === undefined ? '{}' : JSON.stringify(event.metadata);
    target[offset + 6] = recordedAt;
  }
}

function assertExpectedRevision(streamId: string, expected: ExpectedRevision, current: number | undefined): void {
  const actual: StreamRevision | 'no_stream' = current === undefined ? 'no_stream' : BigInt(current);
  const matches =
    expected === 'any' ||
    (expected === 'no_stream' && actual === 'no_stream') ||
    (expected === 'stream_exists' && actual !== 'no_stream') ||
    (typeof expected === 'bigint' && actual === expected);
  if (!matches) throw new WrongExpectedRevisionError(streamId, expected, actual);
}
