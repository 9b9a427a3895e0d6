// Checks an append before any adapter writes it, so both adapters reject the
// same mistakes with the same errors instead of whatever their storage says.
import type { NewEvent } from '../../application/ports/event-store';
import { assertJsonSafeRecord } from './json-safety';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// EventStoreDB reserves `$`-prefixed stream names and event types for its own
// system streams and events, and the port hides those; rejecting them on every
// adapter keeps what is readable equal to what was written.
const RESERVED_PREFIX = '$';

export function assertValidStreamId(streamId: string): void {
  if (typeof streamId !== 'string' || streamId.length === 0) {
    throw new RangeError('stream id must be a non-empty string');
  }
  if (streamId.startsWith(RESERVED_PREFIX)) {
    throw new RangeError(`stream id "${streamId}" starts with "$", which is reserved for system streams`);
  }
}

export function assertValidAppend(streamId: string, events: readonly NewEvent[]): void {
  assertValidStreamId(streamId);
  if (events.length === 0) {
    // An empty append has no "last event" whose position could be returned.
    throw new RangeError(`append to "${streamId}" needs at least one event`);
  }
  for (const event of events) {
    if (typeof event.type !== 'string' || event.type.length === 0) {
      throw new RangeError(`every event appended to "${streamId}" needs a non-empty type`);
    }
    if (event.type.startsWith(RESERVED_PREFIX)) {
      throw new RangeError(`event type "${event.type}" starts with "$", which is reserved for system events`);
    }
    if (event.eventId !== undefined && !UUID.test(event.eventId)) {
      throw new RangeError(`event id "${event.eventId}" of "${event.type}" is not a UUID`);
    }
    assertJsonSafeRecord(event.type, 'data', event.data);
    if (event.metadata !== undefined) assertJsonSafeRecord(event.type, 'metadata', event.metadata);
  }
}

/** maxCount must be a positive safe integer when given. */
export function assertValidMaxCount(maxCount: number | undefined): void {
  if (maxCount !== undefined && (!Number.isSafeInteger(maxCount) || maxCount < 1)) {
    throw new RangeError(`maxCount must be a positive integer, got ${maxCount}`);
  }
}
