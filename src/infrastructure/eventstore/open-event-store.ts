// Chooses the event store from configuration: EventStoreDB when a connection
// string is given, otherwise the embedded SQLite store at a file path.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EventStore } from '../../application/ports/event-store';
import { EsdbEventStore } from './esdb-event-store';
import { SqliteEventStore } from './sqlite-event-store';

export interface EventStoreChoice {
  readonly EVENTSTORE_CONNECTION_STRING?: string;
  readonly TALLY_EVENT_STORE_PATH: string;
}

/** `reader`: the process only reads the log once through (export, audit, replay), so a small page cache is enough. */
export function openEventStore(settings: EventStoreChoice, usage: 'writer' | 'reader' = 'writer'): { store: EventStore; description: string } {
  if (settings.EVENTSTORE_CONNECTION_STRING) {
    return { store: EsdbEventStore.connect(settings.EVENTSTORE_CONNECTION_STRING), description: 'EventStoreDB' };
  }
  mkdirSync(dirname(settings.TALLY_EVENT_STORE_PATH), { recursive: true });
  const store = SqliteEventStore.open(settings.TALLY_EVENT_STORE_PATH, usage === 'reader' ? { cacheSizeKib: 4_096 } : {});
  return { store, description: `SQLite at ${settings.TALLY_EVENT_STORE_PATH}` };
}

/**
 * The log as a process's audits read it: for SQLite a second connection with a
 * small page cache, so reading an organization's whole period neither fills
 * the writer's cache nor evicts the indexes appends need; EventStoreDB's client
 * serves both. Null when the writer's store serves.
 */
export function openHistoryReader(settings: EventStoreChoice): EventStore | null {
  return settings.EVENTSTORE_CONNECTION_STRING ? null : openEventStore(settings, 'reader').store;
}
