// Between domain events and the event store's records: the schema version goes
// into metadata on the way in, and `upcast` applies on the way out.
import { CURRENT_SCHEMA_VERSION, upcast } from '../../domain/event-schema';
import type { OrganizationEvent } from '../../domain/events';
import type { NewEvent, RecordedEvent } from '../ports/event-store';

export function encodeEvent(event: OrganizationEvent): NewEvent {
  return { type: event.type, data: event.data as unknown as Record<string, unknown>, metadata: { schemaVersion: CURRENT_SCHEMA_VERSION } };
}

export function decodeEvent(recorded: Pick<RecordedEvent, 'type' | 'data' | 'metadata'>): OrganizationEvent | null {
  return upcast(recorded.type, recorded.data, recorded.metadata.schemaVersion);
}
