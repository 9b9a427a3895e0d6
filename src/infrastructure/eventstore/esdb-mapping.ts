// Translation between the port and @eventstore/db-client: expected revisions,
// events in both directions, and the client's errors into the port's errors.
//
// Global position = the event's commit position in the transaction log. Since
// EventStoreDB 20, an append of several events writes one prepare record per
// event, each implicitly committed, and $all reports each event's commit
// position as its own log position; so commit positions are unique per event
// and strictly increasing in $all order, which is what GlobalPosition promises.
// Reading back needs {commit, prepare}; for these events the two are equal.
import {
  ANY,
  DeadlineExceededError,
  NO_STREAM,
  NotLeaderError,
  STREAM_EXISTS,
  TimeoutError,
  UnavailableError,
  WrongExpectedVersionError,
  jsonEvent,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type EventData,
  type Position,
  type ResolvedEvent,
} from '@eventstore/db-client';
import {
  EventStoreUnavailableError,
  WrongExpectedRevisionError,
  type ExpectedRevision,
  type GlobalPosition,
  type NewEvent,
  type RecordedEvent,
} from '../../application/ports/event-store';

export function toEsdbExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return expected;
  }
}

export function toEsdbPosition(position: GlobalPosition): Position {
  return { commit: position, prepare: position };
}

export function toEventData(event: NewEvent): EventData {
  return jsonEvent({
    id: event.eventId,
    type: event.type,
    data: event.data,
    metadata: event.metadata ?? {},
  });
}

/** Global position of a read event, or undefined when the server did not send one. */
export function positionOf(resolved: ResolvedEvent | AllStreamResolvedEvent): GlobalPosition | undefined {
  return (
    knownPosition(resolved.event?.position?.commit) ??
    knownPosition(resolved.link?.position?.commit) ??
    knownPosition(resolved.commitPosition)
  );
}

// Servers that do not know an event's position (stream reads before 22.6)
// send protobuf's default 0 or -1 as an unsigned 64-bit number. No event of
// ours sits at 0 (the log opens with system records) and real positions are
// signed 64-bit values, so both mean "unknown".
const UNKNOWN_POSITION_FLOOR = 2n ** 63n;

function knownPosition(commit: bigint | undefined): GlobalPosition | undefined {
  return commit === undefined || commit === 0n || commit >= UNKNOWN_POSITION_FLOOR ? undefined : commit;
}

/**
 * The port's view of a read event, or null for events the port hides: system
 * events (`$` types), events of system streams, link events, and events that
 * are not JSON objects (written by something other than Tally).
 */
/** Streams of the write side's ledger storage (esdb-ledger-storage.ts): beside the log, not part of it. */
export const LEDGER_STREAM_PREFIX = 'ledger-';

export function toRecordedEvent(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | null {
  const event = resolved.event;
  // System events, and the write side's ledger storage (esdb-ledger-storage.ts), are not the log.
  if (event === undefined || event.type.startsWith('$') || event.streamId.startsWith('$') || event.streamId.startsWith(LEDGER_STREAM_PREFIX)) return null;
  if (!event.isJson || !isPlainObject(event.data)) return null;
  const position = positionOf(resolved);
  if (position === undefined) {
    // Stream reads carry positions only from EventStoreDB 22.6 on.
    throw new Error(
      `EventStoreDB sent event ${event.id} without its log position; Tally needs EventStoreDB 22.6 or later`,
    );
  }
  return {
    streamId: event.streamId,
    revision: event.revision,
    position,
    eventId: event.id,
    type: event.type,
    data: event.data,
    metadata: isPlainObject(event.metadata) ? event.metadata : {},
    recordedAt: event.created,
  };
}

/** Maps the client's errors to the port's; anything else is returned unchanged. */
export function toPortError(error: unknown, context: { streamId?: string; expected?: ExpectedRevision } = {}): unknown {
  if (error instanceof WrongExpectedVersionError) {
    const actual = error.actualVersion;
    return new WrongExpectedRevisionError(
      context.streamId ?? error.streamName,
      // The caller's own value: the client may report 'no_stream' as a number.
      context.expected ?? 'any',
      typeof actual === 'bigint' && actual < 0n ? 'no_stream' : actual,
    );
  }
  if (isUnavailable(error)) {
    // The message names the failure only: connection strings may hold credentials.
    return new EventStoreUnavailableError(`EventStoreDB is unavailable: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return error;
}

function isUnavailable(error: unknown): boolean {
  return (
    error instanceof UnavailableError ||
    error instanceof DeadlineExceededError ||
    error instanceof TimeoutError ||
    error instanceof NotLeaderError ||
    // Cluster discovery gives up with a plain Error.
    (error instanceof Error && error.message.startsWith('Failed to discover'))
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}
