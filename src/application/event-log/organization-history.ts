// Reads an organization's stream page by page, decoded, without holding the
// whole log in memory; audits, as-of answers and exports start here.
import { organizationStreamId, type OrganizationEvent } from '../../domain/events';
import { organizationNotFound } from '../../domain/organization';
import { decodeEvent } from './organization-event-codec';
import type { EventStore, RecordedEvent } from '../ports/event-store';
import { streamPages } from './stream-pages';

export interface HistoryEntry {
  readonly recorded: RecordedEvent;
  readonly event: OrganizationEvent;
}

// Audits and exports fold each event as it comes. A page is read and folded in a few milliseconds, and the
// event loop gets a turn between pages, so another tenant's request never waits long behind an audit.
const PAGE = 250;

/** The organization's decoded events, a page at a time (a promise per page, not per event). */
export async function* organizationHistory(store: EventStore, organizationId: string): AsyncGenerator<readonly HistoryEntry[]> {
  let any = false;
  for await (const page of streamPages(store, organizationStreamId(organizationId), { pageSize: PAGE })) {
    any = true;
    const entries: HistoryEntry[] = [];
    for (const recorded of page) {
      const event = decodeEvent(recorded);
      if (event) entries.push({ recorded, event });
    }
    yield entries;
  }
  if (!any) throw organizationNotFound(organizationId);
}
