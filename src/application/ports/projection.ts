// What the projector runs: something that applies batches of the log's events
// (read models, the billing reactor) and can start over for a rebuild. A
// projection applies each event at most once per document it touches, so a
// batch delivered again after a crash changes nothing.
import type { OrganizationEvent } from '../../domain/events';

export interface PositionedEvent {
  readonly event: OrganizationEvent;
  /** The event's global position in the log (a number: positions stay far below 2^53). */
  readonly position: number;
  /** The event's id in the log (the projector runtime always sets it): webhooks carry it as their stable id. */
  readonly eventId?: string;
}

export interface Projection {
  /** Its checkpoint's name. */
  readonly name: string;
  ensureIndexes(): Promise<void>;
  /** Drops what it keeps, for a rebuild from the beginning of the log. */
  reset(): Promise<void>;
  apply(events: readonly PositionedEvent[]): Promise<void>;
}
