// Reads an organization's stream page by page, decoded, without holding the
// whole log in memory; audits, as-of answers and exports start here.
import { DomainError } from '../domain/domain-error';
import { organizationStreamId, type OrganizationEvent } from '../domain/events';
import { decodeEvent } from './organization-event-codec';
import type { EventStore, RecordedEvent } from './ports/event-store';

export interface HistoryEntry {
  readonly recorded: RecordedEvent;
  readonly event: OrganizationEvent;
}

const PAGE = 100;

export async function* organizationHistory(store: EventStore, organizationId: string): AsyncGenerator<HistoryEntry> {
  let fromRevision = 0n;
  let any = false;
  for (;;) {
    const page = await store.readStream(organizationStreamId(organizationId), { fromRevision, maxCount: PAGE });
    for (const recorded of page) {
      any = true;
      const event = decodeEvent(recorded);
      if (event) yield { recorded, event };
    }
    if (page.length < PAGE) break;
    fromRevision = page[page.length - 1].revision + 1n;
  }
  if (!any) throw new DomainError('not_found', `organization ${JSON.stringify(organizationId)} does not exist`, 'organizationId');
}
