// The event store port: the append-only log every command handler writes to and
// every projection reads from. Adapters (embedded SQLite, EventStoreDB) implement
// it and are held to one contract suite (test/contract/event-store.contract.ts).
// Interfaces and error classes only: no I/O here.

/** Strictly increasing over all events in the store; a projection's checkpoint. */
export type GlobalPosition = bigint;

/** Per stream; the first event of a stream is revision 0 (as in EventStoreDB). */
export type StreamRevision = bigint;

/**
 * Optimistic concurrency for an append:
 * - 'any': no check;
 * - 'no_stream': the stream must not exist yet;
 * - 'stream_exists': the stream must already hold at least one event;
 * - a revision: the stream's last event must be at exactly that revision.
 */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | StreamRevision;

export interface NewEvent {
  readonly type: string;
  /** JSON-safe: plain objects, arrays, strings, finite numbers, booleans, null. */
  readonly data: Record<string, unknown>;
  readonly metadata?: Record<string, unknown>;
  /** A UUID; the adapter generates one when absent. */
  readonly eventId?: string;
}

export interface RecordedEvent {
  readonly streamId: string;
  readonly revision: StreamRevision;
  readonly position: GlobalPosition;
  readonly eventId: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
  /** `{}` when the event was appended without metadata. */
  readonly metadata: Record<string, unknown>;
  /** When the store recorded the event (not when the usage happened: that lives in data). */
  readonly recordedAt: Date;
}

export interface AppendResult {
  /** The stream's revision after the append: pass it as expectedRevision next time. */
  readonly nextExpectedRevision: StreamRevision;
  /** Global position of the last event appended. */
  readonly position: GlobalPosition;
}

export interface AppendOptions {
  /** Defaults to 'any'. */
  readonly expectedRevision?: ExpectedRevision;
}

export interface ReadStreamOptions {
  /** Inclusive; defaults to 0. */
  readonly fromRevision?: StreamRevision;
  /** Defaults to the whole rest of the stream. */
  readonly maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: events AFTER this position. Absent: from the beginning of the log. */
  readonly fromPosition?: GlobalPosition;
  /** Defaults to DEFAULT_READ_ALL_MAX_COUNT. */
  readonly maxCount?: number;
}

export interface SubscribeToAllOptions {
  /** Exclusive: deliver events AFTER this position. Absent: from the beginning of the log. */
  readonly fromPosition?: GlobalPosition;
}

export const DEFAULT_READ_ALL_MAX_COUNT = 1000;

/**
 * A catch-up subscription: delivers the stored events after the start position,
 * then live events as they are appended, in position order, each once.
 * Consume it with `for await`, one event at a time, so a checkpoint is stored
 * only after its event was applied. `unsubscribe()` (or breaking out of the
 * loop) ends the iteration. A subscription is iterated once.
 */
export interface EventSubscription extends AsyncIterable<RecordedEvent> {
  unsubscribe(): Promise<void>;
}

export interface EventStore {
  /**
   * Appends the events to one stream atomically (all or none), after checking
   * the expected revision (default 'any'). `events` must not be empty.
   * @throws WrongExpectedRevisionError when the stream is not where the caller expected.
   * @throws EventStoreUnavailableError when the store cannot be reached.
   */
  appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    options?: AppendOptions,
  ): Promise<AppendResult>;

  /** The stream's events in revision order; `[]` for a stream that does not exist. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;

  /** Revision of the stream's last event, or 'no_stream'. */
  streamRevision(streamId: string): Promise<StreamRevision | 'no_stream'>;

  /**
   * The stream's last revision when the store can vouch for it without
   * reading: nothing appended to the stream, by this process or any other,
   * between the call and the answer. Undefined when it cannot tell.
   * Optional: a store without it is read.
   */
  knownHeadRevision?(streamId: string): Promise<StreamRevision | undefined>;

  /** One batch of events from all streams, in position order. Empty when nothing is after fromPosition. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;

  /** Position of the newest event, `null` when the store holds none. */
  headPosition(): Promise<GlobalPosition | null>;

  subscribeToAll(options?: SubscribeToAllOptions): EventSubscription;

  /** Ends every open subscription and releases the connection or file. */
  close(): Promise<void>;
}

/** The stream was not at the expected revision; nothing was appended (the writer reads what it missed and decides again). */
export class WrongExpectedRevisionError extends Error {
  override readonly name = 'WrongExpectedRevisionError';

  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: StreamRevision | 'no_stream',
  ) {
    super(
      `stream "${streamId}" is at ${describeRevision(actual)}, expected ${describeRevision(expected)}`,
    );
  }
}

/** The store cannot be reached or is closed (maps to HTTP 503 later). */
export class EventStoreUnavailableError extends Error {
  override readonly name = 'EventStoreUnavailableError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * Event data or metadata that would not survive a JSON round trip unchanged
 * (bigint, Date, Map, NaN, class instances, cycles…). A programming error in
 * the caller, rejected before anything is written.
 */
export class EventDataNotJsonSafeError extends Error {
  override readonly name = 'EventDataNotJsonSafeError';

  constructor(
    readonly eventType: string,
    readonly path: string,
    readonly reason: string,
  ) {
    super(`event "${eventType}": ${path} is not JSON-safe (${reason})`);
  }
}

function describeRevision(revision: ExpectedRevision): string {
  return typeof revision === 'bigint' ? `revision ${revision}` : revision;
}

