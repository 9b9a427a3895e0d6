// The SQLite event store's row shape and its conversion to the port's
// RecordedEvent. Integers come back as JS numbers (positions and revisions stay
// far below 2^53) and become bigints here, at the edge.
import type { RecordedEvent } from '../../application/ports/event-store';
import { bytesToUuid } from './event-id-bytes';

export const EVENT_COLUMNS =
  'position, stream_id, revision, event_id, type, data, metadata, recorded_at';

export interface EventRow {
  readonly position: number;
  readonly stream_id: string;
  readonly revision: number;
  readonly event_id: Buffer;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
  readonly recorded_at: number;
}

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    streamId: row.stream_id,
    revision: BigInt(row.revision),
    position: BigInt(row.position),
    eventId: bytesToUuid(row.event_id),
    type: row.type,
    // Only plain JSON objects are ever written (see json-safety.ts).
    data: JSON.parse(row.data) as Record<string, unknown>,
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    recordedAt: new Date(row.recorded_at),
  };
}
